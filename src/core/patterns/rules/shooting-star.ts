import { CandleAverage, CandleSettings, lowerShadow, realBody, realBodyGapUp, upperShadow } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyShort, ShadowLong, ShadowVeryShort } = CandleSettings;

/**
 * CDLSHOOTINGSTAR (ta_CDLSHOOTINGSTAR.c): small real body (< BodyShort), long upper shadow (> ShadowLong), very
 * short lower shadow (< ShadowVeryShort), real body gapping up from the previous real body. Output -100.
 * Lookback 11. No trend check (as in TA-Lib).
 */
export function createShootingStar(): PatternRule {
  const lookback = Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod, ShadowVeryShort.avgPeriod) + 1;
  const body = new CandleAverage(BodyShort, 0, lookback);
  const shadowLong = new CandleAverage(ShadowLong, 0, lookback);
  const shadowVeryShort = new CandleAverage(ShadowVeryShort, 0, lookback);
  return {
    lookback,
    averages: [body, shadowLong, shadowVeryShort],
    evaluate: (b, i) =>
      realBody(b, i) < body.at(b, i) &&
      upperShadow(b, i) > shadowLong.at(b, i) &&
      lowerShadow(b, i) < shadowVeryShort.at(b, i) &&
      realBodyGapUp(b, i, i - 1)
        ? -100
        : 0,
  };
}
