import { candleColor } from './candle-settings';
import type { PatternRule } from './rule';

/**
 * CDLENGULFING (ta_CDLENGULFING.c): a white (black) real body that engulfs the previous black (white) real body.
 * Output ±100 when the second body begins before and ends after the first, ±80 when the bodies match on one end;
 * the sign is the second candle's color (+ bullish, - bearish). Lookback 2 (TA-Lib's value, though only one
 * prior candle is read). No candle settings involved.
 */
export function createEngulfing(): PatternRule {
  return {
    lookback: 2,
    averages: [],
    evaluate: (b, i) => {
      const o = b.open[i]!;
      const c = b.close[i]!;
      const o1 = b.open[i - 1]!;
      const c1 = b.close[i - 1]!;
      const color = candleColor(b, i);
      const color1 = candleColor(b, i - 1);
      const engulfs =
        (color === 1 && color1 === -1 && ((c >= o1 && o < c1) || (c > o1 && o <= c1))) ||
        (color === -1 && color1 === 1 && ((o >= c1 && c < o1) || (o > c1 && c <= o1)));
      if (!engulfs) return 0;
      return o !== c1 && c !== o1 ? color * 100 : color * 80;
    },
  };
}
