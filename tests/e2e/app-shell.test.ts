import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from '../helpers/app-browser';
import { hasChromium, watchErrors } from '../helpers/browser';
import type { EngineStatus } from '../../workers/engine-api';

async function engineStatus(page: Page): Promise<EngineStatus> {
  await page.waitForFunction(() => 'candlecast' in globalThis);
  return page.evaluate(() =>
    (
      globalThis as unknown as { candlecast: { engine: { getStatus(): Promise<EngineStatus> } } }
    ).candlecast.engine.getStatus(),
  );
}

describe.skipIf(!hasChromium)('app shell in Chromium', () => {
  describe('without WebGPU flags', () => {
    const app = browserSuite();

    it('loads, the worker answers getStatus, and the simulated stream renders candles', async () => {
      const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchErrors(page);
      await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);

      const status = await engineStatus(page);
      expect(status.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(typeof status.webgpu.available).toBe('boolean');

      await page.waitForFunction(
        () => Number(document.querySelector('.chart')?.getAttribute('data-candle-count') ?? 0) >= 500,
        undefined,
        { timeout: 20_000 },
      );
      expect(await page.locator('.badge').textContent()).toBe('Simulated');
      // The chart really drew: lightweight-charts renders into canvases with non-zero size.
      const canvases = await page.locator('.chart canvas').count();
      expect(canvases).toBeGreaterThan(0);

      const after = await engineStatus(page);
      const feed = after.feeds.find((f) => f.symbol === 'BTCUSDT' && f.timeframe === '1m');
      expect(feed?.source).toBe('simulated');
      expect(feed?.candles).toBeGreaterThanOrEqual(500);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('keeps exchange, symbol and timeframe in the URL', async () => {
      const page = await app.browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/?exchange=simulated&symbol=ethusdt&tf=5m`);
      await page.waitForFunction(() => document.querySelector('h2')?.textContent?.includes('ETHUSDT'));
      await page.selectOption('select >> nth=1', '15m');
      await page.waitForFunction(() => location.search.includes('tf=15m'));
      expect(new URL(page.url()).searchParams.get('symbol')).toBe('ETHUSDT');
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('as an installable PWA', () => {
    const app = browserSuite();

    it('serves a web manifest with icons', async () => {
      const response = await fetch(`${app.url}/manifest.webmanifest`);
      expect(response.ok).toBe(true);
      const manifest = (await response.json()) as { name: string; display: string; icons: Array<{ sizes: string }> };
      expect(manifest.name).toBe('candlecast');
      expect(manifest.display).toBe('standalone');
      expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
      for (const icon of ['/icons/icon-192.png', '/icons/icon-512.png']) {
        expect((await fetch(`${app.url}${icon}`)).headers.get('content-type')).toBe('image/png');
      }
    });

    it('reloads offline from the service worker and still runs', async () => {
      const context = await app.browser.newContext();
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/?exchange=simulated`);
      await page.waitForFunction(async () => {
        const registration = await navigator.serviceWorker.ready;
        return registration.active?.state === 'activated';
      });
      await context.setOffline(true);
      await page.reload();
      await page.waitForFunction(
        () => Number(document.querySelector('.chart')?.getAttribute('data-candle-count') ?? 0) >= 500,
        undefined,
        { timeout: 20_000 },
      );
      const status = await engineStatus(page);
      expect(status.feeds.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await context.close();
    });
  });

  describe('with WebGPU enabled (SwiftShader)', () => {
    const app = browserSuite({ webgpu: true });

    it('reports a WebGPU adapter in getStatus', async () => {
      const page = await app.browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${app.url}/?exchange=simulated`);
      const status = await engineStatus(page);
      expect(status.webgpu.error).toBeNull();
      expect(status.webgpu.available).toBe(true);
      expect(status.webgpu.adapter).toBeTruthy();
      expect(errors).toEqual([]);
      await page.close();
    });
  });
});
