import { CandleAverage, CandleSettings, candleColor, realBody } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyShort, BodyLong } = CandleSettings;

/**
 * CDLHARAMI (ta_CDLHARAMI.c): candle i-1 long (> BodyLong), candle i short (<= BodyShort) and its real body inside
 * i-1's. Output -color(i-1) * 100 when strictly inside, * 80 when one end of the bodies matches. Lookback 11.
 */
export function createHarami(): PatternRule {
  const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 1;
  const bodyLong = new CandleAverage(BodyLong, 1, lookback);
  const bodyShort = new CandleAverage(BodyShort, 0, lookback);
  return {
    lookback,
    averages: [bodyLong, bodyShort],
    evaluate: (b, i) => {
      if (!(realBody(b, i - 1) > bodyLong.at(b, i) && realBody(b, i) <= bodyShort.at(b, i))) return 0;
      const top = Math.max(b.close[i]!, b.open[i]!);
      const bottom = Math.min(b.close[i]!, b.open[i]!);
      const top1 = Math.max(b.close[i - 1]!, b.open[i - 1]!);
      const bottom1 = Math.min(b.close[i - 1]!, b.open[i - 1]!);
      if (top < top1 && bottom > bottom1) return -candleColor(b, i - 1) * 100;
      if (top <= top1 && bottom >= bottom1) return -candleColor(b, i - 1) * 80;
      return 0;
    },
  };
}
