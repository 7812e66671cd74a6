/**
 * Rule-based candlestick pattern detectors (SPEC §4): TA-Lib's CDL functions re-implemented bit-for-bit on
 * TA-Lib's candle settings, plus candlecast's own tweezer top / bottom (see ./tweezer.ts for the definition).
 */
export { detectPatterns } from './batch';
export { PatternRuleDetector } from './streaming';
export { PATTERN_LOOKBACK } from './lookback';
export { PATTERN_SPECS, type PatternSpec, type RuleSignal } from './catalog';
export { CandleSettings, RangeType, type CandleSetting } from './candle-settings';
