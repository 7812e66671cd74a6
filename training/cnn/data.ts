import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toColumns, type CandleColumns } from '../../src/core/candles/candle';
import { PATTERN_NAMES, type PatternName } from '../../src/core/patterns/names';
import { WINDOW_LENGTH } from '../../src/core/patterns/window';
import { parseCandlesCsv } from '../../src/feeds/csv';

/** Rule labels per pattern, one 0/1 per candle (the shape of `detectPatterns`). */
export type LabelFn = (cols: CandleColumns) => Record<PatternName, Uint8Array>;

export type Split = 'train' | 'validation' | 'test';

/**
 * Time-ordered split of one file's windows: the first TRAIN_FRACTION of the candles train, the next
 * VALIDATION_FRACTION validate (thresholds), the latest TEST_FRACTION are held out. Windows whose 20 candles
 * straddle a boundary are dropped (an embargo), so no candle of a later split appears in an earlier one.
 */
export const TRAIN_FRACTION = 0.7;
export const VALIDATION_FRACTION = 0.1;
export const TEST_FRACTION = 0.2;

export interface FileWindows {
  file: string;
  cols: CandleColumns;
  /** Window end indices (last candle of the window) per split. */
  ends: Record<Split, Int32Array>;
  /** Labels `[candles, 15]` in PATTERN_NAMES order (row = candle index). */
  labels: Uint8Array;
  /** First and last candle time (epoch ms) per split. */
  ranges: Record<Split, { from: number; to: number }>;
}

export function loadColumns(dir: string, file: string): CandleColumns {
  const path = join(dir, file);
  return toColumns(parseCandlesCsv(readFileSync(path, 'utf8'), { source: path }));
}

/** Split boundaries of a series of n candles: [trainEnd, validationEnd) in candle indices. */
export function splitBoundaries(n: number): { validationStart: number; testStart: number } {
  return {
    validationStart: Math.floor(n * TRAIN_FRACTION),
    testStart: Math.floor(n * (TRAIN_FRACTION + VALIDATION_FRACTION)),
  };
}

/** Window end indices of one split: every window lies entirely inside the split's candles. */
export function splitEnds(n: number, split: Split): Int32Array {
  const { validationStart, testStart } = splitBoundaries(n);
  const [from, to] = split === 'train' ? [0, validationStart] : split === 'validation' ? [validationStart, testStart] : [testStart, n];
  const first = from + WINDOW_LENGTH - 1;
  const out = new Int32Array(Math.max(0, to - first));
  for (let k = 0; k < out.length; k++) out[k] = first + k;
  return out;
}

/** Packs rule labels as `[candles, 15]` rows in PATTERN_NAMES order. */
export function packLabels(rules: Record<PatternName, Uint8Array>, n: number): Uint8Array {
  const out = new Uint8Array(n * PATTERN_NAMES.length);
  PATTERN_NAMES.forEach((name, j) => {
    const col = rules[name];
    for (let i = 0; i < n; i++) out[i * PATTERN_NAMES.length + j] = col[i] ? 1 : 0;
  });
  return out;
}

export function loadFileWindows(dir: string, file: string, labelFn: LabelFn): FileWindows {
  const cols = loadColumns(dir, file);
  const n = cols.close.length;
  const labels = packLabels(labelFn(cols), n);
  const ends = { train: splitEnds(n, 'train'), validation: splitEnds(n, 'validation'), test: splitEnds(n, 'test') };
  const range = (e: Int32Array) => ({ from: cols.time[e[0]! - WINDOW_LENGTH + 1]!, to: cols.time[e[e.length - 1]!]! });
  return { file, cols, ends, labels, ranges: { train: range(ends.train), validation: range(ends.validation), test: range(ends.test) } };
}
