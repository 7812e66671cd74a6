import { TIMEFRAMES, timeframeMs, type Timeframe } from './timeframe';

/**
 * The timeframe of a series, read from its timestamps: the most common step between consecutive candle
 * times (gaps and a missing candle or two do not change it). Null with fewer than two candles or when the
 * step is no known timeframe.
 */
export function detectTimeframe(times: readonly number[]): Timeframe | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const step = times[i]! - times[i - 1]!;
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [step, n] of counts) if (n > bestCount || (n === bestCount && step < best)) [best, bestCount] = [step, n];
  return TIMEFRAMES.find((tf) => timeframeMs(tf) === best) ?? null;
}
