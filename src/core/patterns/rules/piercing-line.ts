import { CandleAverage, CandleSettings, candleColor, realBody } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyLong } = CandleSettings;

/**
 * CDLPIERCING (ta_CDLPIERCING.c): candle i-1 black and long (> BodyLong); candle i white and long (> BodyLong),
 * opening below i-1's low and closing within i-1's body above its midpoint (close[i-1] + 0.5 * body(i-1) <
 * close[i] < open[i-1]). Output 100. Lookback 11.
 */
export function createPiercingLine(): PatternRule {
  const lookback = BodyLong.avgPeriod + 1;
  const bodyLong1 = new CandleAverage(BodyLong, 1, lookback);
  const bodyLong0 = new CandleAverage(BodyLong, 0, lookback);
  return {
    lookback,
    averages: [bodyLong1, bodyLong0],
    evaluate: (b, i) =>
      candleColor(b, i - 1) === -1 &&
      realBody(b, i - 1) > bodyLong1.at(b, i) &&
      candleColor(b, i) === 1 &&
      realBody(b, i) > bodyLong0.at(b, i) &&
      b.open[i]! < b.low[i - 1]! &&
      b.close[i]! < b.open[i - 1]! &&
      b.close[i]! > b.close[i - 1]! + realBody(b, i - 1) * 0.5
        ? 100
        : 0,
  };
}
