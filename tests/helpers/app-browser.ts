import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser';
import { startPreview } from './preview-server';

/** A page served on 127.0.0.1 and the headless Chromium of one e2e suite. */
export interface BrowserSuite {
  /** The served page's base URL (no trailing slash for the app). */
  readonly url: string;
  readonly browser: Browser;
}

/** Something that serves pages on a loopback port until closed. */
export type Serve = () => Promise<{ url: string; close: () => Promise<void> }>;

/** The built app (dist/, `vite build`) on a free loopback port, like `npm start`. */
export const serveApp: Serve = async () => {
  const { server, url } = await startPreview();
  return { url, close: () => server.close() };
};

/**
 * The set-up of every e2e suite: call it in the suite's `describe` body. It serves the pages (the built app by
 * default) and launches Debian's Chromium before the suite's tests (beforeAll) and closes both after them
 * (afterAll); `url` and `browser` are read inside tests and later hooks:
 *
 *   const app = browserSuite();
 *   it('…', async () => { const page = await app.browser.newPage(); await page.goto(`${app.url}/?…`); });
 */
export function browserSuite(options: { webgpu?: boolean; serve?: Serve } = {}): BrowserSuite {
  let served: Awaited<ReturnType<Serve>> | null = null;
  let browser: Browser | null = null;
  beforeAll(async () => {
    served = await (options.serve ?? serveApp)();
    browser = await launchChromium({ webgpu: options.webgpu ?? false });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });
  return {
    get url() {
      if (!served) throw new Error('browserSuite: the page is served in beforeAll; read url inside tests');
      return served.url;
    },
    get browser() {
      if (!browser) throw new Error('browserSuite: Chromium starts in beforeAll; read browser inside tests');
      return browser;
    },
  };
}
