import { describe, expect, it } from 'vitest';
import { SimulatedMarket } from '../../../src/core/sim/simulated-market';
import { SimulatedFeed } from '../../../src/feeds/simulated-feed';
import { candleProblem } from '../../../src/core/candles/validate';
import type { CandleUpdate } from '../../../src/core/candles/candle';

const T0 = Date.UTC(2024, 0, 1);

function logReturns(closes: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) out.push(Math.log(closes[i]! / closes[i - 1]!));
  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('SimulatedMarket', () => {
  const candles = new SimulatedMarket({ symbol: 'BTCUSDT', timeframe: '1m' }).history(T0, 20_000);

  it('is deterministic for the same symbol, timeframe and seed', () => {
    const again = new SimulatedMarket({ symbol: 'BTCUSDT', timeframe: '1m' }).history(T0, 20_000);
    expect(again).toEqual(candles);
    const other = new SimulatedMarket({ symbol: 'ETHUSDT', timeframe: '1m' }).history(T0, 10);
    expect(other[0]!.open).not.toBe(candles[0]!.open);
  });

  it('produces valid, grid-aligned, contiguous candles', () => {
    for (const [i, c] of candles.entries()) {
      expect(candleProblem(c, '1m')).toBeNull();
      expect(c.time).toBe(T0 + i * 60_000);
    }
  });

  it('has volatility clustering: |returns| are autocorrelated while returns are not', () => {
    const r = logReturns(candles.map((c) => c.close));
    const abs = r.map(Math.abs);
    expect(correlation(abs.slice(1), abs.slice(0, -1))).toBeGreaterThan(0.1);
    expect(Math.abs(correlation(r.slice(1), r.slice(0, -1)))).toBeLessThan(0.05);
  });

  it('has fat tails (excess kurtosis > 1) and realistic highs and lows', () => {
    const r = logReturns(candles.map((c) => c.close));
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const m2 = r.reduce((s, x) => s + (x - mean) ** 2, 0) / r.length;
    const m4 = r.reduce((s, x) => s + (x - mean) ** 4, 0) / r.length;
    expect(m4 / (m2 * m2) - 3).toBeGreaterThan(1);
    // Wicks exist: most candles reach beyond their body on at least one side.
    const wicked = candles.filter((c) => c.high > Math.max(c.open, c.close) || c.low < Math.min(c.open, c.close));
    expect(wicked.length / candles.length).toBeGreaterThan(0.9);
  });

  it('trades more volume when the candle moves more', () => {
    const range = candles.map((c) => Math.log(c.high / c.low));
    expect(
      correlation(
        range,
        candles.map((c) => c.volume),
      ),
    ).toBeGreaterThan(0.3);
  });
});

describe('SimulatedFeed', () => {
  it('emits history, then open updates in place, then the close, in real-time order', () => {
    let now = T0 + 30_000;
    const timers: Array<{ fn: () => void; at: number }> = [];
    const updates: CandleUpdate[] = [];
    const feed = new SimulatedFeed(
      {
        symbol: 'BTCUSDT',
        timeframe: '1m',
        historyCandles: 10,
        now: () => now,
        setTimer: (fn, ms) => timers.push({ fn, at: now + ms }),
        clearTimer: () => undefined,
      },
      { onCandle: (u) => updates.push(u) },
    );
    feed.start();
    expect(updates.slice(0, 10).every((u) => u.closed)).toBe(true);
    expect(updates[9]!.candle.time).toBe(T0 - 60_000);
    // Half-way through the current minute, the open updates so far have been shown, none closed.
    const current = updates.slice(10);
    expect(current.length).toBeGreaterThan(1);
    expect(current.every((u) => !u.closed && u.candle.time === T0)).toBe(true);
    // Run the clock 2 minutes ahead: the minute closes exactly once, and the next one starts.
    for (let guard = 0; guard < 100 && now < T0 + 150_000; guard++) {
      const next = timers.shift()!;
      now = next.at;
      next.fn();
    }
    const closes = updates.filter((u) => u.closed && u.candle.time >= T0);
    expect(closes.map((u) => u.candle.time)).toEqual([T0, T0 + 60_000]);
    const volumes = updates.filter((u) => u.candle.time === T0).map((u) => u.candle.volume);
    expect(volumes).toEqual([...volumes].sort((a, b) => a - b));
    feed.stop();
  });
});
