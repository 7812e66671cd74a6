import type { PatternsPart } from '../core/insights/types';
import { PATTERN_NAMES, type PatternName } from '../core/patterns/names';
import { PATTERN_BIAS, type PatternBias } from './chart-model';

/** One row of the pattern confidence list: the CNN's probability beside the rule detectors' verdict. */
export interface PatternRow {
  name: PatternName;
  /** CNN probability, null when the CNN is not loaded. */
  probability: number | null;
  /** Above the CNN's decision threshold (the pattern is in `detected`). */
  detected: boolean;
  rule: boolean;
  bias: PatternBias;
}

/**
 * Every pattern, strongest first: by CNN probability when the CNN is loaded (ties: rule hits first), else
 * rule hits first; the CNN's output order breaks remaining ties so the list does not shuffle.
 */
export function patternRows(patterns: PatternsPart): PatternRow[] {
  const rows = PATTERN_NAMES.map((name) => ({
    name,
    probability: patterns.probabilities?.[name] ?? null,
    detected: patterns.detected[name] !== undefined,
    rule: patterns.rules[name] === true,
    bias: PATTERN_BIAS[name],
  }));
  const order = new Map(PATTERN_NAMES.map((n, i) => [n, i]));
  return rows.sort(
    (a, b) =>
      (b.probability ?? -1) - (a.probability ?? -1) ||
      Number(b.rule) - Number(a.rule) ||
      (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0),
  );
}
