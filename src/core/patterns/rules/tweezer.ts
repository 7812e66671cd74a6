import { CandleAverage, CandleSettings, candleColor, realBody } from './candle-settings';
import type { PatternRule } from './rule';

const { BodyDoji, Equal } = CandleSettings;

/**
 * Tweezer top and tweezer bottom. TA-Lib has no function for them; candlecast defines them in TA-Lib's
 * candle-settings vocabulary, in the style of CDLMATCHINGLOW (equality measured with the Equal setting on the
 * first candle) and CDL3LINESTRIKE / CDL3WHITESOLDIERS (trend = consecutive closes). The pattern is reported on
 * its second candle i; the first candle is i-1.
 *
 * Tweezer top (bearish, output -100), all of:
 * 1. prior uptrend: close[i-3] < close[i-2] < close[i-1] (two consecutively higher closes into the first candle);
 * 2. first candle white (TA_CANDLECOLOR(i-1) = 1) with a real body that is not doji-like:
 *    realBody(i-1) > BodyDoji(i-1), i.e. > 10% of the average high-low range of candles i-11 ... i-2;
 * 3. second candle black (TA_CANDLECOLOR(i) = -1) with realBody(i) > BodyDoji(i)
 *    (10% of the average high-low range of candles i-10 ... i-1);
 * 4. equal highs: high[i-1] - Equal(i-1) <= high[i] <= high[i-1] + Equal(i-1), where Equal(i-1) is 5% of the
 *    average high-low range of the 5 candles before the first one (i-6 ... i-2).
 *
 * Tweezer bottom (bullish, output +100) is the mirror image: close[i-3] > close[i-2] > close[i-1], first candle
 * black and second white (both bodies > BodyDoji as above), and equal lows: |low[i] - low[i-1]| <= Equal(i-1)
 * (written as the two comparisons above).
 *
 * The two cannot both hold (they need opposite colors of candle i). Averages are TA-Lib rolling sums of prior
 * candles only (see CandleAverage), with the TA-Lib start-up rule: lookback = max(BodyDoji period + 1,
 * Equal period + 1, 3) = 11, so the first candle that can carry a tweezer is index 11.
 */
export function createTweezer(): PatternRule {
  const lookback = Math.max(BodyDoji.avgPeriod + 1, Equal.avgPeriod + 1, 3);
  const dojiFirst = new CandleAverage(BodyDoji, 1, lookback);
  const dojiSecond = new CandleAverage(BodyDoji, 0, lookback);
  const equal = new CandleAverage(Equal, 1, lookback);
  return {
    lookback,
    averages: [dojiFirst, dojiSecond, equal],
    evaluate: (b, i) => {
      const c = b.close;
      const color1 = candleColor(b, i - 1);
      const color = candleColor(b, i);
      if (color1 === color) return 0;
      if (!(realBody(b, i - 1) > dojiFirst.at(b, i) && realBody(b, i) > dojiSecond.at(b, i))) return 0;
      const eq = equal.at(b, i);
      if (color1 === 1) {
        const h1 = b.high[i - 1]!;
        const h = b.high[i]!;
        return c[i - 3]! < c[i - 2]! && c[i - 2]! < c[i - 1]! && h <= h1 + eq && h >= h1 - eq ? -100 : 0;
      }
      const l1 = b.low[i - 1]!;
      const l = b.low[i]!;
      return c[i - 3]! > c[i - 2]! && c[i - 2]! > c[i - 1]! && l <= l1 + eq && l >= l1 - eq ? 100 : 0;
    },
  };
}
