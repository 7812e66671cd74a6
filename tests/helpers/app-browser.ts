import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { startPreview } from './preview-server';

/** The built app served on 127.0.0.1 and a headless Chromium to open it in; `close` ends both. */
export interface AppInBrowser {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The set-up of every e2e suite: the built app (dist/, `vite build`) on a free loopback port and Debian's
 * Chromium. In a suite: `beforeAll(async () => ({ url, browser, close } = await openAppInBrowser()))` and
 * `afterAll(() => close?.())`.
 */
export async function openAppInBrowser(options: { webgpu?: boolean } = {}): Promise<AppInBrowser> {
  const { server, url } = await startPreview();
  let browser: Browser;
  try {
    browser = await launchChromium(options);
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
