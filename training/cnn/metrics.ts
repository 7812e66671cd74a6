import { PATTERN_NAMES, type PatternName } from '../../src/core/patterns/names';

/** Patterns with fewer held-out occurrences than this are reported but left out of the macro-F1. */
export const MIN_SUPPORT = 20;

export interface PatternScore {
  precision: number;
  recall: number;
  f1: number;
  /** Occurrences (rule positives) in the evaluated windows. */
  support: number;
  /** Windows the CNN flagged. */
  predicted: number;
}

export interface Evaluation {
  windows: number;
  patterns: Record<PatternName, PatternScore>;
  /** Mean F1 over patterns with support >= MIN_SUPPORT. */
  macro_f1: number;
  macro_patterns: PatternName[];
}

function f1Of(tp: number, fp: number, fn: number): number {
  return tp === 0 ? (fp === 0 && fn === 0 ? 1 : 0) : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * Per-pattern precision/recall/F1 of thresholded probabilities `probs` `[n, 15]` against 0/1 `labels`
 * `[n, 15]`, and the macro-F1 over patterns with at least MIN_SUPPORT occurrences.
 */
export function evaluate(
  probs: Float32Array,
  labels: Uint8Array,
  thresholds: Readonly<Record<PatternName, number>>,
): Evaluation {
  const k = PATTERN_NAMES.length;
  const n = labels.length / k;
  const patterns = {} as Record<PatternName, PatternScore>;
  const macro: PatternName[] = [];
  let sum = 0;
  PATTERN_NAMES.forEach((name, j) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const t = thresholds[name];
    for (let i = 0; i < n; i++) {
      const pred = probs[i * k + j]! >= t;
      const truth = labels[i * k + j] === 1;
      if (pred && truth) tp++;
      else if (pred) fp++;
      else if (truth) fn++;
    }
    const score: PatternScore = {
      precision: tp + fp === 0 ? 0 : tp / (tp + fp),
      recall: tp + fn === 0 ? 0 : tp / (tp + fn),
      f1: f1Of(tp, fp, fn),
      support: tp + fn,
      predicted: tp + fp,
    };
    patterns[name] = score;
    if (score.support >= MIN_SUPPORT) {
      macro.push(name);
      sum += score.f1;
    }
  });
  return { windows: n, patterns, macro_f1: macro.length ? sum / macro.length : 0, macro_patterns: macro };
}

/**
 * The threshold maximising F1 of column j on validation data; halfway between the two probabilities
 * that bracket the best cut. Falls back to 0.5 when the column has no positives.
 */
export function bestThreshold(probs: Float32Array, labels: Uint8Array, j: number): number {
  const k = PATTERN_NAMES.length;
  const n = labels.length / k;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b * k + j]! - probs[a * k + j]!);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i * k + j]!;
  if (positives === 0) return 0.5;
  let tp = 0;
  let best = -1;
  let bestAt = 0;
  for (let r = 0; r < n; r++) {
    tp += labels[order[r]! * k + j]!;
    const next = r + 1 < n ? probs[order[r + 1]! * k + j]! : -Infinity;
    if (next === probs[order[r]! * k + j]!) continue; // only cut between distinct probabilities
    const f1 = (2 * tp) / (r + 1 + positives);
    if (f1 > best) {
      best = f1;
      bestAt = r;
    }
  }
  const hi = probs[order[bestAt]! * k + j]!;
  const lo = bestAt + 1 < n ? probs[order[bestAt + 1]! * k + j]! : 0;
  return (hi + lo) / 2;
}
