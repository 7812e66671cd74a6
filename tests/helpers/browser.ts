import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Why browser suites skip; under CI=true a missing browser is a failure instead (see requireChromium). */
export const NO_CHROMIUM_REASON = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

if (!hasChromium) {
  if (process.env['CI']) throw new Error(NO_CHROMIUM_REASON);
  console.warn(`SKIPPING browser suites: ${NO_CHROMIUM_REASON}`);
}

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's Chromium, headless. `webgpu: true` enables WebGPU through SwiftShader (Vulkan). */
export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = [...BASE_ARGS];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

/** Collects the page's console errors and uncaught errors (CSP violations included), so tests can assert none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}
