import type { Candle } from '../../../src/core/candles/candle';

/** `n` valid candles on a `stepMs` grid from `start`, with prices that differ candle to candle. */
export function syntheticCandles(n: number, start: number, stepMs = 60_000, base = 100): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < n; i++) {
    const open = base + i;
    const close = open + (i % 2 === 0 ? 0.5 : -0.5);
    out.push({
      time: start + i * stepMs,
      open,
      high: Math.max(open, close) + 0.25,
      low: Math.min(open, close) - 0.25,
      close,
      volume: 10 + i,
    });
  }
  return out;
}
