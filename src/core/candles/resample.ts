import type { Candle } from './candle';
import { bucketStart, canResample, timeframeMs, type Timeframe } from './timeframe';

export interface ResampleResult {
  candles: Candle[];
  /** True when the last candle's bucket is not finished yet (its last slot has not arrived). */
  lastOpen: boolean;
}

/**
 * Aggregates ascending candles of timeframe `from` into candles of timeframe `to`, exchange style:
 * open of the first, max high, min low, close of the last, summed volume. Buckets with no input candle
 * produce nothing (gaps are never invented). The last bucket is marked open unless its final slot is present.
 */
export function resample(candles: readonly Candle[], from: Timeframe, to: Timeframe): ResampleResult {
  if (!canResample(from, to)) throw new Error(`cannot resample ${from} candles to ${to}`);
  const out: Candle[] = [];
  const step = timeframeMs(from);
  let cur: Candle | null = null;
  let lastInputTime = Number.NEGATIVE_INFINITY;
  for (const c of candles) {
    const start = bucketStart(c.time, to);
    if (cur === null || start !== cur.time) {
      if (cur) out.push(cur);
      cur = { time: start, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
    } else {
      if (c.high > cur.high) cur.high = c.high;
      if (c.low < cur.low) cur.low = c.low;
      cur.close = c.close;
      cur.volume += c.volume;
    }
    lastInputTime = c.time;
  }
  if (cur) out.push(cur);
  const lastOpen = cur !== null && lastInputTime + step < cur.time + timeframeMs(to);
  return { candles: out, lastOpen };
}
