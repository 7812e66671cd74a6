import type { CandleAverage, Ohlc } from './candle-settings';

/**
 * One TA-Lib-style candlestick rule. `evaluate(b, i)` returns the CDL function's integer output for candle i
 * (0 = no pattern, ±100 / ±80 = pattern, sign = direction); it is only called once `lookback` candles precede i,
 * and may read candles i - lookback ... i. `averages` are the rule's rolling candle-setting sums, advanced by the
 * driver after every candle (see `stepRule`).
 */
export interface PatternRule {
  readonly lookback: number;
  readonly averages: readonly CandleAverage[];
  evaluate(b: Ohlc, i: number): number;
}

/** Evaluates candle i, the n-th candle of the series (0-based), then advances the rule's rolling sums past it. */
export function stepRule(rule: PatternRule, b: Ohlc, i: number, n: number): number {
  const out = n >= rule.lookback ? rule.evaluate(b, i) : 0;
  const avgs = rule.averages;
  for (let k = 0; k < avgs.length; k++) avgs[k]!.advance(b, i, n);
  return out;
}
