import { CandleAverage, CandleSettings, candleColor, realBody, upperShadow } from './candle-settings';
import type { PatternRule } from './rule';

const { ShadowVeryShort, BodyShort, Far, Near } = CandleSettings;

/**
 * CDL3WHITESOLDIERS (ta_CDL3WHITESOLDIERS.c): three white candles i-2, i-1, i, each with a very short upper shadow
 * (< ShadowVeryShort of that candle), consecutively higher closes, each opening above the previous open and at or
 * near the previous close (<= close + Near of the previous candle), each body not far shorter than the previous
 * (> previous body - Far of the previous candle), and the last body not short (> BodyShort). Output 100.
 * Lookback 12.
 */
export function createThreeWhiteSoldiers(): PatternRule {
  const lookback = Math.max(ShadowVeryShort.avgPeriod, BodyShort.avgPeriod, Far.avgPeriod, Near.avgPeriod) + 2;
  const svs2 = new CandleAverage(ShadowVeryShort, 2, lookback);
  const svs1 = new CandleAverage(ShadowVeryShort, 1, lookback);
  const svs0 = new CandleAverage(ShadowVeryShort, 0, lookback);
  const near2 = new CandleAverage(Near, 2, lookback);
  const near1 = new CandleAverage(Near, 1, lookback);
  const far2 = new CandleAverage(Far, 2, lookback);
  const far1 = new CandleAverage(Far, 1, lookback);
  const bodyShort = new CandleAverage(BodyShort, 0, lookback);
  return {
    lookback,
    averages: [svs2, svs1, svs0, near2, near1, far2, far1, bodyShort],
    evaluate: (b, i) => {
      const o = b.open;
      const c = b.close;
      return candleColor(b, i - 2) === 1 &&
        upperShadow(b, i - 2) < svs2.at(b, i) &&
        candleColor(b, i - 1) === 1 &&
        upperShadow(b, i - 1) < svs1.at(b, i) &&
        candleColor(b, i) === 1 &&
        upperShadow(b, i) < svs0.at(b, i) &&
        c[i]! > c[i - 1]! &&
        c[i - 1]! > c[i - 2]! &&
        o[i - 1]! > o[i - 2]! &&
        o[i - 1]! <= c[i - 2]! + near2.at(b, i) &&
        o[i]! > o[i - 1]! &&
        o[i]! <= c[i - 1]! + near1.at(b, i) &&
        realBody(b, i - 1) > realBody(b, i - 2) - far2.at(b, i) &&
        realBody(b, i) > realBody(b, i - 1) - far1.at(b, i) &&
        realBody(b, i) > bodyShort.at(b, i)
        ? 100
        : 0;
    },
  };
}
