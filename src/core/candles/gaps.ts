import { timeframeMs, type Timeframe } from './timeframe';

/** A run of missing candle slots: `from` is the first missing open time, `to` the last. */
export interface Gap {
  from: number;
  to: number;
  missing: number;
}

/** Finds missing candle slots in ascending open times on the grid of `tf`. */
export function detectGaps(times: ArrayLike<number>, tf: Timeframe): Gap[] {
  const step = timeframeMs(tf);
  const gaps: Gap[] = [];
  for (let i = 1; i < times.length; i++) {
    const prev = times[i - 1]!;
    const cur = times[i]!;
    const missing = Math.round((cur - prev) / step) - 1;
    if (missing > 0) gaps.push({ from: prev + step, to: cur - step, missing });
  }
  return gaps;
}

export function countMissing(gaps: readonly Gap[]): number {
  let n = 0;
  for (const g of gaps) n += g.missing;
  return n;
}
