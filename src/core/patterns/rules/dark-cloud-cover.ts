import { CandleAverage, CandleSettings, candleColor, realBody } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyLong } = CandleSettings;

/** TA-Lib's default penetration for the dark cloud cover. */
export const DARK_CLOUD_PENETRATION = 0.5;

/**
 * CDLDARKCLOUDCOVER (ta_CDLDARKCLOUDCOVER.c, penetration 0.5): candle i-1 white and long (> BodyLong); candle i
 * black, opening above i-1's high and closing within i-1's body below close[i-1] - penetration * body(i-1).
 * Output -100. Lookback 11.
 */
export function createDarkCloudCover(penetration = DARK_CLOUD_PENETRATION): PatternRule {
  const lookback = BodyLong.avgPeriod + 1;
  const bodyLong = new CandleAverage(BodyLong, 1, lookback);
  return {
    lookback,
    averages: [bodyLong],
    evaluate: (b, i) =>
      candleColor(b, i - 1) === 1 &&
      realBody(b, i - 1) > bodyLong.at(b, i) &&
      candleColor(b, i) === -1 &&
      b.open[i]! > b.high[i - 1]! &&
      b.close[i]! > b.open[i - 1]! &&
      b.close[i]! < b.close[i - 1]! - realBody(b, i - 1) * penetration
        ? -100
        : 0,
  };
}
