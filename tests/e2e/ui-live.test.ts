import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';
import { ExchangeSimulator } from '../sim/server';
import type { Insight } from '../../src/core/insights/types';
import type { EngineStatus, FeedInfo } from '../../workers/engine-api';
import { formatPercent, formatPrice } from '../../src/ui/format';

/**
 * The app against the local exchange simulator (Binance protocol on 127.0.0.1, real candles), reached through
 * the loopback-only ?rest=&ws= overrides: the status says live, the chart has the backfill, the panels show the
 * engine's numbers within 10 s.
 */
interface Hooks {
  candlecast: {
    engine: {
      getInsights(symbol: string, tf: string, exchange: string): Promise<Insight | null>;
      getStatus(): Promise<EngineStatus>;
    };
  };
}

describe.skipIf(!hasChromium || !hasCandleData)('UI against the local exchange simulator', () => {
  const app = browserSuite();
  let sim: ExchangeSimulator;
  let endpoints: { restUrl: string; wsUrl: string };

  beforeAll(async () => {
    sim = new ExchangeSimulator({
      exchange: 'binance',
      candles: loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv', 3000),
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 1000,
      candlesPerSecond: 2,
      steps: 4,
    });
    endpoints = await sim.listen();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('streams live candles from the simulator and shows the engine’s numbers within 10 s', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    const query = new URLSearchParams({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      tf: '1m',
      rest: endpoints.restUrl,
      ws: endpoints.wsUrl,
    });
    const t0 = Date.now();
    await page.goto(`${app.url}/?${query}`);
    // The feed must be live from the simulator (its `detail` says why not, e.g. a REST failure).
    await page.waitForFunction(() => 'candlecast' in globalThis);
    let feed: FeedInfo | undefined;
    while (Date.now() - t0 < 10_000) {
      feed = (await page.evaluate(() => (globalThis as unknown as Hooks).candlecast.engine.getStatus())).feeds[0];
      if (feed?.source === 'live' && feed.status.kind === 'exchange' && feed.status.feed === 'live') break;
      await page.waitForTimeout(200);
    }
    expect(feed).toMatchObject({
      exchange: 'binance',
      source: 'live',
      status: { kind: 'exchange', feed: 'live' },
      detail: null,
    });
    await page.waitForFunction(() => document.querySelector('.ai')?.getAttribute('data-insight-time'), undefined, {
      timeout: Math.max(1, 10_000 - (Date.now() - t0)),
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    await page.waitForSelector('.status[data-mode="live"]');
    expect(await page.locator('.badge.sim').count()).toBe(0);
    expect(Number(await page.locator('.chart').getAttribute('data-candle-count'))).toBeGreaterThanOrEqual(1000);
    expect(sim.restRequests).toBeGreaterThan(0);

    // The panel follows the stream: it matches getInsights (polled; the simulator moves every 125 ms).
    let matched = false;
    for (let i = 0; i < 50 && !matched; i++) {
      const { insight, price, confidence } = await page.evaluate(async () => {
        const ins = await (globalThis as unknown as Hooks).candlecast.engine.getInsights('BTCUSDT', '1m', 'binance');
        return {
          insight: ins,
          price: document.querySelector('[data-field="price"]')?.textContent?.trim(),
          confidence: document.querySelector('[data-field="confidence"]')?.textContent?.trim(),
        };
      });
      matched =
        insight !== null &&
        price === formatPrice(insight.current_price) &&
        confidence === formatPercent(insight.confidence);
      if (!matched) await page.waitForTimeout(100);
    }
    expect(matched).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
