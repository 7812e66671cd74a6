import { CandleAverage, CandleSettings, candleColor, realBody, realBodyGapDown } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyShort, BodyLong } = CandleSettings;

/** TA-Lib's default penetration for the morning / evening star (how far the third candle closes into the first). */
export const STAR_PENETRATION = 0.3;

/**
 * CDLMORNINGSTAR (ta_CDLMORNINGSTAR.c, penetration 0.3): candle i-2 long (> BodyLong) and black; candle i-1 short
 * (<= BodyShort) with its real body gapping down from i-2's; candle i longer than short (> BodyShort), white, and
 * closing above close[i-2] + penetration * realBody(i-2). Output 100. Lookback 12.
 */
export function createMorningStar(penetration = STAR_PENETRATION): PatternRule {
  const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;
  const bodyLong = new CandleAverage(BodyLong, 2, lookback);
  const bodyShort = new CandleAverage(BodyShort, 1, lookback);
  const bodyShort2 = new CandleAverage(BodyShort, 0, lookback);
  return {
    lookback,
    averages: [bodyLong, bodyShort, bodyShort2],
    evaluate: (b, i) =>
      realBody(b, i - 2) > bodyLong.at(b, i) &&
      candleColor(b, i - 2) === -1 &&
      realBody(b, i - 1) <= bodyShort.at(b, i) &&
      realBodyGapDown(b, i - 1, i - 2) &&
      realBody(b, i) > bodyShort2.at(b, i) &&
      candleColor(b, i) === 1 &&
      b.close[i]! > b.close[i - 2]! + realBody(b, i - 2) * penetration
        ? 100
        : 0,
  };
}
