import { CandleAverage, CandleSettings, candleColor, lowerShadow } from './candle-settings';
import type { PatternRule } from './rule';

const { ShadowVeryShort } = CandleSettings;

/**
 * CDL3BLACKCROWS (ta_CDL3BLACKCROWS.c): candle i-3 white; three black candles i-2, i-1, i, each with a very short
 * lower shadow (< ShadowVeryShort of that candle), each opening within the previous black real body, the first
 * closing under the white candle's high, and three declining closes. Output -100. Lookback 13.
 */
export function createThreeBlackCrows(): PatternRule {
  const lookback = ShadowVeryShort.avgPeriod + 3;
  const svs2 = new CandleAverage(ShadowVeryShort, 2, lookback);
  const svs1 = new CandleAverage(ShadowVeryShort, 1, lookback);
  const svs0 = new CandleAverage(ShadowVeryShort, 0, lookback);
  return {
    lookback,
    averages: [svs2, svs1, svs0],
    evaluate: (b, i) => {
      const o = b.open;
      const c = b.close;
      return candleColor(b, i - 3) === 1 &&
        candleColor(b, i - 2) === -1 &&
        lowerShadow(b, i - 2) < svs2.at(b, i) &&
        candleColor(b, i - 1) === -1 &&
        lowerShadow(b, i - 1) < svs1.at(b, i) &&
        candleColor(b, i) === -1 &&
        lowerShadow(b, i) < svs0.at(b, i) &&
        o[i - 1]! < o[i - 2]! &&
        o[i - 1]! > c[i - 2]! &&
        o[i]! < o[i - 1]! &&
        o[i]! > c[i - 1]! &&
        b.high[i - 3]! > c[i - 2]! &&
        c[i - 2]! > c[i - 1]! &&
        c[i - 1]! > c[i]!
        ? -100
        : 0;
    },
  };
}
