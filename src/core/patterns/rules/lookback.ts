import { PATTERN_NAMES, type PatternName } from '../names';
import { PATTERN_SPECS, RULE_FACTORIES } from './catalog';

/**
 * Per pattern, the index of the first candle that can be evaluated (TA-Lib's lookback for the TA-Lib-backed
 * patterns: the output is 0 before it).
 */
export const PATTERN_LOOKBACK: Readonly<Record<PatternName, number>> = Object.freeze(
  Object.fromEntries(
    PATTERN_NAMES.map((name) => [name, RULE_FACTORIES[PATTERN_SPECS[name].rule]().lookback]),
  ) as Record<PatternName, number>,
);
