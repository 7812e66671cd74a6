import type { Candle } from './candle';
import { isAligned, type Timeframe } from './timeframe';

/**
 * Largest accepted price and volume. The features square prices and multiply volumes by prices over
 * windows (variances, money flow, GARCH), so a value like 1e308 overflows them to Infinity and blanks every
 * later row; no traded asset comes near 1e15 per unit or 1e18 units per candle.
 */
export const MAX_PRICE = 1e15;
export const MAX_VOLUME = 1e18;

/**
 * Checks one candle. Returns a short description of the first problem, or null when the candle is valid:
 * all values finite, 0 < prices <= MAX_PRICE, 0 <= volume <= MAX_VOLUME, high >= max(open, close),
 * low <= min(open, close), and (when a timeframe is given) the open time on that timeframe's grid.
 */
export function candleProblem(c: Candle, tf?: Timeframe): string | null {
  for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${key} is not a finite number (${String(v)})`;
  }
  if (c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0) return 'prices must be > 0';
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    if (c[key] > MAX_PRICE) return `${key} ${c[key]} is out of range (prices above ${MAX_PRICE} overflow the features)`;
  }
  if (c.volume > MAX_VOLUME)
    return `volume ${c.volume} is out of range (volumes above ${MAX_VOLUME} overflow the features)`;
  if (c.volume < 0) return `volume ${c.volume} is negative`;
  if (c.high < c.low) return `high ${c.high} < low ${c.low}`;
  if (c.high < Math.max(c.open, c.close)) return `high ${c.high} < max(open, close) ${Math.max(c.open, c.close)}`;
  if (c.low > Math.min(c.open, c.close)) return `low ${c.low} > min(open, close) ${Math.min(c.open, c.close)}`;
  if (tf !== undefined && !isAligned(c.time, tf)) return `time ${c.time} is not aligned to the ${tf} grid`;
  return null;
}

export function isValidCandle(c: Candle, tf?: Timeframe): boolean {
  return candleProblem(c, tf) === null;
}

/** Problem with the order of a series: times must be strictly ascending (no duplicates). */
export function seriesOrderProblem(prevTime: number, time: number): string | null {
  if (time === prevTime) return `duplicate time ${time}`;
  if (time < prevTime) return `time ${time} is before the previous candle's ${prevTime} (unsorted)`;
  return null;
}
