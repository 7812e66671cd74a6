import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium, watchErrors } from '../helpers/browser';
import { browserSuite } from '../helpers/app-browser';
import type { EngineStatus, FeedInfo } from '../../workers/engine-api';

interface PageApi {
  engine: { getStatus(): Promise<EngineStatus> };
}

async function binanceFeed(page: Page): Promise<FeedInfo | undefined> {
  await page.waitForFunction(() => 'candlecast' in globalThis);
  const status = await page.evaluate(() =>
    (globalThis as unknown as { candlecast: PageApi }).candlecast.engine.getStatus(),
  );
  return status.feeds.find((f) => f.exchange === 'binance');
}

async function waitForFeed(page: Page, test: (f: FeedInfo) => boolean, timeoutMs = 30_000): Promise<FeedInfo> {
  const until = Date.now() + timeoutMs;
  let last: FeedInfo | undefined;
  while (Date.now() < until) {
    last = await binanceFeed(page);
    if (last && test(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`feed never reached the expected state; last: ${JSON.stringify(last)}`);
}

/** How many rows each IndexedDB store holds under an exchange, read from the page. */
function rowsUnder(page: Page, exchange: string): Promise<Record<string, number>> {
  return page.evaluate(
    (ex) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('candlecast');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const stores = ['candles', 'insights', 'predictions'].filter((s) => db.objectStoreNames.contains(s));
          const tx = db.transaction(stores);
          const out: Record<string, number> = {};
          let left = stores.length;
          for (const name of stores) {
            const request = tx.objectStore(name).getAll();
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              out[name] = (request.result as Array<{ exchange: string }>).filter((r) => r.exchange === ex).length;
              if (--left === 0) {
                db.close();
                resolve(out);
              }
            };
          }
        };
      }),
    exchange,
  );
}

describe.skipIf(!hasChromium)('data honesty: simulated candles are never an exchange’s', () => {
  const app = browserSuite();
  let context: BrowserContext;

  beforeAll(async () => {
    context = await app.browser.newContext();
  });

  it('an unreachable exchange: simulated now on request, labelled, and nothing stored under the exchange', async () => {
    // Port 9 (discard) refuses connections: the exchange is unreachable.
    const appUrl = `${app.url}/?exchange=binance&symbol=BTCUSDT&tf=1m&rest=${encodeURIComponent('http://127.0.0.1:9')}&ws=${encodeURIComponent('ws://127.0.0.1:9')}`;
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(appUrl);
    await page.click('button:has-text("Use simulated market now")', { timeout: 9_000 });
    await waitForFeed(page, (f) => f.source === 'simulated' && f.candles >= 500);
    await page.waitForSelector('[data-field="simulated-label"]');
    await page.waitForSelector('.status[data-mode="simulated"]');
    await page.waitForFunction(
      () => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) >= 500,
    );
    // Give the write-behind time to store anything it would.
    await page.waitForTimeout(3000);
    expect(await rowsUnder(page, 'binance')).toEqual({ candles: 0, insights: 0, predictions: 0 });
    await page.close();

    // Second visit: nothing is shown as the exchange's cache; the fallback comes by itself and is labelled.
    const again = await context.newPage();
    const errorsAgain = watchErrors(again);
    await again.goto(appUrl);
    const seen = new Set<string>();
    const until = Date.now() + 30_000;
    for (;;) {
      const feed = await binanceFeed(again);
      if (feed) seen.add(feed.source);
      if (feed?.source === 'simulated' && feed.candles >= 500) break;
      expect(Date.now()).toBeLessThan(until);
      await again.waitForTimeout(250);
    }
    expect(seen.has('cache')).toBe(false);
    await again.waitForSelector('.status[data-mode="simulated"]');
    await again.waitForTimeout(3000);
    expect(await rowsUnder(again, 'binance')).toEqual({ candles: 0, insights: 0, predictions: 0 });
    const noSocket = (e: string) => !e.includes('WebSocket') && !e.includes('ERR_CONNECTION_REFUSED');
    expect(errors.filter(noSocket)).toEqual([]);
    expect(errorsAgain.filter(noSocket)).toEqual([]);
    await again.close();
  });
});
