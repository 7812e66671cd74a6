import { CandleAverage, CandleSettings, candleColor, lowerShadow, realBody, upperShadow } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyLong, ShadowVeryShort } = CandleSettings;

/**
 * CDLMARUBOZU (ta_CDLMARUBOZU.c): long real body (> BodyLong) and both shadows very short (< ShadowVeryShort).
 * Output color * 100. Lookback 10.
 */
export function createMarubozu(): PatternRule {
  const lookback = Math.max(BodyLong.avgPeriod, ShadowVeryShort.avgPeriod);
  const bodyLong = new CandleAverage(BodyLong, 0, lookback);
  const shadowVeryShort = new CandleAverage(ShadowVeryShort, 0, lookback);
  return {
    lookback,
    averages: [bodyLong, shadowVeryShort],
    evaluate: (b, i) =>
      realBody(b, i) > bodyLong.at(b, i) &&
      upperShadow(b, i) < shadowVeryShort.at(b, i) &&
      lowerShadow(b, i) < shadowVeryShort.at(b, i)
        ? candleColor(b, i) * 100
        : 0,
  };
}
