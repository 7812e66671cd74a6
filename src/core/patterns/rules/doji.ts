import { CandleAverage, CandleSettings, realBody } from './candle-settings';
import type { PatternRule } from './rule';

/**
 * CDLDOJI (ta_CDLDOJI.c): the real body is at most BodyDoji, i.e. <= 10% of the average high-low range of the
 * 10 previous candles. Output 100 (neutral). Lookback 10.
 */
export function createDoji(): PatternRule {
  const lookback = CandleSettings.BodyDoji.avgPeriod;
  const bodyDoji = new CandleAverage(CandleSettings.BodyDoji, 0, lookback);
  return {
    lookback,
    averages: [bodyDoji],
    evaluate: (b, i) => (realBody(b, i) <= bodyDoji.at(b, i) ? 100 : 0),
  };
}
