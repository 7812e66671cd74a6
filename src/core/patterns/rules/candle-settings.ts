/**
 * TA-Lib's candle vocabulary: the candle-settings table (ta_global.c, `TA_CandleDefaultSettings`), the candle
 * measures of ta_utility.h (`TA_REALBODY`, `TA_UPPERSHADOW`, ...) and the "averaged over prior candles" threshold
 * `TA_CANDLEAVERAGE` with the rolling sums every TA-Lib CDL function keeps.
 *
 * All arithmetic is written in the same order as the C macros so results are bit-identical to TA-Lib.
 */

/** Which candle measure a setting averages (TA_RangeType). */
export const RangeType = {
  /** |close - open| */
  RealBody: 0,
  /** high - low */
  HighLow: 1,
  /** upper shadow + lower shadow; the average is halved, i.e. the mean of the two shadows */
  Shadows: 2,
} as const;
export type RangeType = (typeof RangeType)[keyof typeof RangeType];

/** One row of TA-Lib's candle-settings table. `avgPeriod = 0` compares with the candle itself. */
export interface CandleSetting {
  readonly rangeType: RangeType;
  readonly avgPeriod: number;
  readonly factor: number;
}

const setting = (rangeType: RangeType, avgPeriod: number, factor: number): CandleSetting =>
  Object.freeze({ rangeType, avgPeriod, factor });

/** TA-Lib's default candle settings (ta_global.c, TA_CandleDefaultSettings), with its own comments. */
export const CandleSettings = Object.freeze({
  /** real body is long when it's longer than the average of the 10 previous candles' real body */
  BodyLong: setting(RangeType.RealBody, 10, 1.0),
  /** real body is very long when it's longer than 3 times the average of the 10 previous candles' real body */
  BodyVeryLong: setting(RangeType.RealBody, 10, 3.0),
  /** real body is short when it's shorter than the average of the 10 previous candles' real bodies */
  BodyShort: setting(RangeType.RealBody, 10, 1.0),
  /** real body is like doji's body when it's shorter than 10% the average of the 10 previous candles' high-low range */
  BodyDoji: setting(RangeType.HighLow, 10, 0.1),
  /** shadow is long when it's longer than the real body */
  ShadowLong: setting(RangeType.RealBody, 0, 1.0),
  /** shadow is very long when it's longer than 2 times the real body */
  ShadowVeryLong: setting(RangeType.RealBody, 0, 2.0),
  /** shadow is short when it's shorter than half the average of the 10 previous candles' sum of shadows */
  ShadowShort: setting(RangeType.Shadows, 10, 1.0),
  /** shadow is very short when it's shorter than 10% the average of the 10 previous candles' high-low range */
  ShadowVeryShort: setting(RangeType.HighLow, 10, 0.1),
  /** "near" means "<= 20% of the average of the 5 previous candles' high-low range" */
  Near: setting(RangeType.HighLow, 5, 0.2),
  /** "far" means ">= 60% of the average of the 5 previous candles' high-low range" */
  Far: setting(RangeType.HighLow, 5, 0.6),
  /** "equal" means "<= 5% of the average of the 5 previous candles' high-low range" */
  Equal: setting(RangeType.HighLow, 5, 0.05),
});

/** Price columns a rule reads; `CandleColumns` satisfies it, and so does the streaming window. */
export interface Ohlc {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** TA_REALBODY */
export function realBody(b: Ohlc, j: number): number {
  return Math.abs(b.close[j]! - b.open[j]!);
}

/** TA_UPPERSHADOW */
export function upperShadow(b: Ohlc, j: number): number {
  const o = b.open[j]!;
  const c = b.close[j]!;
  return b.high[j]! - (c >= o ? c : o);
}

/** TA_LOWERSHADOW */
export function lowerShadow(b: Ohlc, j: number): number {
  const o = b.open[j]!;
  const c = b.close[j]!;
  return (c >= o ? o : c) - b.low[j]!;
}

/** TA_HIGHLOWRANGE */
export function highLowRange(b: Ohlc, j: number): number {
  return b.high[j]! - b.low[j]!;
}

/** TA_CANDLECOLOR: 1 for white (close >= open), -1 for black. */
export function candleColor(b: Ohlc, j: number): 1 | -1 {
  return b.close[j]! >= b.open[j]! ? 1 : -1;
}

/** TA_REALBODYGAPUP(j2, j1): the real body of j2 lies entirely above the real body of j1. */
export function realBodyGapUp(b: Ohlc, j2: number, j1: number): boolean {
  return Math.min(b.open[j2]!, b.close[j2]!) > Math.max(b.open[j1]!, b.close[j1]!);
}

/** TA_REALBODYGAPDOWN(j2, j1): the real body of j2 lies entirely below the real body of j1. */
export function realBodyGapDown(b: Ohlc, j2: number, j1: number): boolean {
  return Math.max(b.open[j2]!, b.close[j2]!) < Math.min(b.open[j1]!, b.close[j1]!);
}

/** TA_CANDLERANGE: the measure a setting of this range type averages, for candle j. */
export function candleRange(rangeType: RangeType, b: Ohlc, j: number): number {
  if (rangeType === RangeType.RealBody) return realBody(b, j);
  if (rangeType === RangeType.HighLow) return highLowRange(b, j);
  return upperShadow(b, j) + lowerShadow(b, j);
}

/**
 * One TA-Lib rolling "period total" for one setting, measured on the candle `lag` candles before the one being
 * evaluated. At the evaluated candle i it holds the sum of the setting's range over candles
 * [i - lag - avgPeriod, i - lag), i.e. the prior candles only.
 *
 * Start-up mirrors the C code exactly: the first evaluated candle is `lookback`; the sum is first built by adding
 * the ranges of candles lookback - lag - avgPeriod ... lookback - lag - 1 in ascending order, and after each
 * evaluation it is updated with `total += range(i - lag) - range(i - lag - avgPeriod)` (same rounding as TA-Lib).
 */
export class CandleAverage {
  private total = 0;
  private saved = 0;

  constructor(
    readonly setting: CandleSetting,
    readonly lag: number,
    readonly lookback: number,
  ) {
    if (setting.avgPeriod > 0 && lookback < lag + setting.avgPeriod) {
      throw new Error(`lookback ${lookback} too short for lag ${lag} + period ${setting.avgPeriod}`);
    }
  }

  /** TA_CANDLEAVERAGE(setting, total, i - lag): the threshold for the candle `lag` before the evaluated candle i. */
  at(b: Ohlc, i: number): number {
    const s = this.setting;
    const base = s.avgPeriod !== 0 ? this.total / s.avgPeriod : candleRange(s.rangeType, b, i - this.lag);
    return (s.factor * base) / (s.rangeType === RangeType.Shadows ? 2.0 : 1.0);
  }

  /** Moves the rolling sum past candle i, the n-th candle of the series (0-based). Call after evaluating i. */
  advance(b: Ohlc, i: number, n: number): void {
    const p = this.setting.avgPeriod;
    if (p === 0) return;
    const type = this.setting.rangeType;
    if (n < this.lookback) {
      if (n >= this.lookback - p) this.total += candleRange(type, b, i - this.lag);
    } else {
      this.total += candleRange(type, b, i - this.lag) - candleRange(type, b, i - this.lag - p);
    }
  }

  /** Remembers the sum (before a new candle) so a replaced still-open candle can be re-evaluated. */
  save(): void {
    this.saved = this.total;
  }

  restore(): void {
    this.total = this.saved;
  }

  reset(): void {
    this.total = 0;
    this.saved = 0;
  }
}
