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
 * Time-ordered split of each file: the first TRAIN_FRACTION of its candles train, the next
 * VALIDATION_FRACTION validate (decision thresholds), the latest TEST_FRACTION are held out. A window
 * (20 candles) must lie entirely inside one split, so no candle of a later split is seen earlier.
 */
export const TRAIN_FRACTION = 0.7;
export const VALIDATION_FRACTION = 0.1;
export const TEST_FRACTION = 0.2;

export function loadColumns(dir: string, file: string): CandleColumns {
  const path = join(dir, file);
  return toColumns(parseCandlesCsv(readFileSync(path, 'utf8'), { source: path }));
}

/** Candle index where each split starts in a series of n candles. */
export function splitStarts(n: number): Record<Split, number> {
  return {
    train: 0,
    validation: Math.floor(n * TRAIN_FRACTION),
    test: Math.floor(n * (TRAIN_FRACTION + VALIDATION_FRACTION)),
  };
}

/** Window end indices (last candle) of one split: every window lies entirely inside the split's candles. */
export function splitEnds(n: number, split: Split): Int32Array {
  const starts = splitStarts(n);
  const from = starts[split];
  const to = split === 'train' ? starts.validation : split === 'validation' ? starts.test : n;
  const first = from + WINDOW_LENGTH - 1;
  const out = new Int32Array(Math.max(0, to - first));
  for (let k = 0; k < out.length; k++) out[k] = first + k;
  return out;
}

/** Time range (first candle of the first window .. last window's candle) of one split, epoch ms. */
export function splitRange(cols: CandleColumns, split: Split): { from: number; to: number } {
  const ends = splitEnds(cols.close.length, split);
  return { from: cols.time[ends[0]! - WINDOW_LENGTH + 1]!, to: cols.time[ends[ends.length - 1]!]! };
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
