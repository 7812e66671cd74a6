import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium, watchErrors } from '../helpers/browser';
import { browserSuite } from '../helpers/app-browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { ExchangeSimulator } from '../sim/server';
import type { Candle } from '../../src/core/candles/candle';
import type { EngineStatus, FeedInfo } from '../../workers/engine-api';

interface PageApi {
  engine: {
    getStatus(): Promise<EngineStatus>;
    getInsights(s: string, tf: string, ex: string): Promise<{ time: number; current_price: number } | null>;
    getCandles(s: string, tf: string, ex: string): Promise<Candle[]>;
    replay(s: string, tf: string, ex: string, speed: string, cb: unknown): Promise<{ id: number; total: number }>;
  };
  proxy<T>(fn: T): T;
}

async function feedOf(page: Page): Promise<FeedInfo | undefined> {
  await page.waitForFunction(() => 'candlecast' in globalThis);
  const status = await page.evaluate(() =>
    (globalThis as unknown as { candlecast: PageApi }).candlecast.engine.getStatus(),
  );
  return status.feeds.find((f) => f.exchange === 'binance' && f.symbol === 'BTCUSDT' && f.timeframe === '1m');
}

async function waitForFeed(page: Page, test: (f: FeedInfo) => boolean, timeoutMs = 30_000): Promise<FeedInfo> {
  const until = Date.now() + timeoutMs;
  let last: FeedInfo | undefined;
  while (Date.now() < until) {
    last = await feedOf(page);
    if (last && test(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`feed never reached the expected state; last: ${JSON.stringify(last)}`);
}

/** Every candle the app stored for binance BTCUSDT 1m, read from the page's IndexedDB. */
function storedCandles(page: Page): Promise<Candle[]> {
  return page.evaluate(
    () =>
      new Promise<Candle[]>((resolve, reject) => {
        const open = indexedDB.open('candlecast');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('candles').objectStore('candles').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const rows = request.result as Array<Candle & { exchange: string; symbol: string; timeframe: string }>;
            resolve(
              rows
                .filter((r) => r.exchange === 'binance' && r.symbol === 'BTCUSDT' && r.timeframe === '1m')
                .map(({ time, open, high, low, close, volume }) => ({ time, open, high, low, close, volume })),
            );
            db.close();
          };
        };
      }),
  );
}

describe.skipIf(!hasChromium || !hasCandleData)('market data in Chromium against the local Binance simulator', () => {
  const app = browserSuite();
  let sim: ExchangeSimulator;
  let source: Candle[];
  let appUrl: string;
  let context: BrowserContext;

  beforeAll(async () => {
    source = loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv', 3000);
    sim = new ExchangeSimulator({
      exchange: 'binance',
      candles: source,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 1200,
      candlesPerSecond: 40,
      faults: { kinds: ['disconnect', 'garbage', 'duplicate', 'out-of-order'], everyCandles: 150 },
    });
    const { restUrl, wsUrl } = await sim.listen();
    appUrl = `${app.url}/?exchange=binance&symbol=BTCUSDT&tf=1m&rest=${encodeURIComponent(restUrl)}&ws=${encodeURIComponent(wsUrl)}`;
    context = await app.browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await sim?.close();
  });

  it('streams live candles with faults, two pages store each candle exactly once', async () => {
    const first = await context.newPage();
    const errorsFirst = watchErrors(first);
    await first.goto(appUrl);
    await waitForFeed(first, (f) => f.source === 'live' && f.candles >= 1300);
    const second = await context.newPage();
    const errorsSecond = watchErrors(second);
    await second.goto(appUrl);
    await waitForFeed(second, (f) => f.source === 'live' && f.candles >= 1400);
    // Candles are written behind (once a second, by the page holding the store) and a disconnect's gap is filled by
    // a REST backfill a moment later, so the newest candles may still be in flight: judge the settled part, the
    // candles older than the newest SETTLE stored, once it holds more than 1000 candles without a hole.
    const SETTLE = 200;
    const MINUTE = 60_000;
    const settled = (all: Candle[]): Candle[] => all.slice(0, Math.max(0, all.length - SETTLE));
    const holes = (cs: Candle[]): number => cs.filter((c, i) => i > 0 && c.time - cs[i - 1]!.time !== MINUTE).length;
    let stored = settled(await storedCandles(first));
    for (let until = Date.now() + 30_000; (stored.length <= 1000 || holes(stored) > 0) && Date.now() < until;) {
      await first.waitForTimeout(500);
      stored = settled(await storedCandles(first));
    }
    expect(stored.length).toBeGreaterThan(1000);
    const times = stored.map((c) => c.time);
    expect(new Set(times).size).toBe(times.length);
    // Exactly the source candles over the stored span: none missing, none altered.
    const startIndex = source.findIndex((c) => c.time === stored[0]!.time);
    expect(startIndex).toBeGreaterThanOrEqual(0);
    const span = source.slice(startIndex, startIndex + stored.length);
    const firstDiff = stored.findIndex((c, i) => JSON.stringify(c) !== JSON.stringify(span[i]));
    expect(
      firstDiff,
      `first difference at ${firstDiff}: stored ${JSON.stringify(stored.slice(firstDiff - 1, firstDiff + 2))} source ${JSON.stringify(span.slice(firstDiff - 1, firstDiff + 2))}`,
    ).toBe(-1);
    expect(errorsFirst.filter((e) => !e.includes('WebSocket'))).toEqual([]);
    expect(errorsSecond.filter((e) => !e.includes('WebSocket'))).toEqual([]);
    await second.close();
    await first.close();
  });

  it('reloads offline from the service worker, shows the cached candles and replays them', async () => {
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    const stored = await storedCandles(page);
    await page.close();

    await context.setOffline(true);
    const offline = await context.newPage();
    await offline.goto(appUrl);
    const feed = await waitForFeed(offline, (f) => f.source === 'cache' && f.candles >= Math.min(stored.length, 1000));
    expect(feed.source).toBe('cache');
    await offline.waitForFunction(
      (n) => Number(document.querySelector('.chart')?.getAttribute('data-candle-count') ?? 0) >= n,
      Math.min(stored.length, 1000),
    );
    // Insights are computed from the cached candles while offline, for the newest candle the stream read from the
    // cache. (The closed online page may still land its last write-behind batch after that read, so the store can
    // hold a few newer candles than the stream: compare with what the stream served, and that with the store.)
    const { insight, served } = await offline.evaluate(async () => {
      const { engine } = (globalThis as unknown as { candlecast: PageApi }).candlecast;
      return {
        insight: await engine.getInsights('BTCUSDT', '1m', 'binance'),
        served: await engine.getCandles('BTCUSDT', '1m', 'binance'),
      };
    });
    expect(served.length).toBeGreaterThanOrEqual(Math.min(stored.length, 1000));
    expect(insight?.time).toBe(served.at(-1)!.time);
    expect(insight?.current_price).toBe(served.at(-1)!.close);
    const cached = new Map((await storedCandles(offline)).map((c) => [c.time, c]));
    for (const c of served) expect(cached.get(c.time)).toEqual(c);
    // The replay applies every candle the store held exactly once (the stream's closedCount), and the page receives
    // each of them (as a closed candle or in `earlier`), all from the store.
    const replayed = await offline.evaluate(async () => {
      const { engine, proxy } = (globalThis as unknown as { candlecast: PageApi }).candlecast;
      const times: number[] = [];
      let applied = 0;
      const state = await engine.replay(
        'BTCUSDT',
        '1m',
        'binance',
        'max',
        proxy((u: { closed: boolean; earlier: { time: number }[]; candle: { time: number }; closedCount: number }) => {
          for (const c of u.earlier) times.push(c.time);
          if (u.closed) times.push(u.candle.time);
          applied = Math.max(applied, u.closedCount);
        }),
      );
      const until = Date.now() + 20_000;
      while ((applied < state.total || times.length < state.total) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      return { times, applied, total: state.total };
    });
    const distinct = new Set(replayed.times);
    // Seen once in CI (2026-12-02): 1912 closed candles counted for 1911 replayed. Report a repeat if it happens.
    if (distinct.size !== replayed.times.length)
      console.log(`replay: ${replayed.times.length - distinct.size} closed candle(s) received twice`);
    expect(replayed.total).toBeGreaterThanOrEqual(stored.length);
    expect(replayed.applied).toBe(replayed.total);
    expect(distinct.size).toBe(replayed.total);
    const storedNow = new Set((await storedCandles(offline)).map((c) => c.time));
    expect([...distinct].filter((t) => !storedNow.has(t))).toEqual([]);
    await context.setOffline(false);
    await offline.close();
  });
});
