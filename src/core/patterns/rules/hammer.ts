import { CandleAverage, CandleSettings, lowerShadow, realBody, upperShadow } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyShort, ShadowLong, ShadowVeryShort, Near } = CandleSettings;

/**
 * CDLHAMMER (ta_CDLHAMMER.c): small real body (< BodyShort), long lower shadow (> ShadowLong, i.e. longer than the
 * body), very short upper shadow (< ShadowVeryShort), and the body's bottom at or near the previous candle's low
 * (<= low[i-1] + Near measured on candle i-1). Output 100. Lookback 11. No trend check (as in TA-Lib).
 */
export function createHammer(): PatternRule {
  const lookback = Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod, ShadowVeryShort.avgPeriod, Near.avgPeriod) + 1;
  const body = new CandleAverage(BodyShort, 0, lookback);
  const shadowLong = new CandleAverage(ShadowLong, 0, lookback);
  const shadowVeryShort = new CandleAverage(ShadowVeryShort, 0, lookback);
  const near = new CandleAverage(Near, 1, lookback);
  return {
    lookback,
    averages: [body, shadowLong, shadowVeryShort, near],
    evaluate: (b, i) =>
      realBody(b, i) < body.at(b, i) &&
      lowerShadow(b, i) > shadowLong.at(b, i) &&
      upperShadow(b, i) < shadowVeryShort.at(b, i) &&
      Math.min(b.close[i]!, b.open[i]!) <= b.low[i - 1]! + near.at(b, i)
        ? 100
        : 0,
  };
}
