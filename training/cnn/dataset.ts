import type { CandleColumns } from '../../src/core/candles/candle';
import { PATTERN_NAMES } from '../../src/core/patterns/names';
import { WINDOW_SIZE, writeWindow } from '../../src/core/patterns/window';
import { loadColumns, splitEnds, packLabels, type LabelFn, type Split } from './data';

const K = PATTERN_NAMES.length;

/**
 * One labelled candle series: a data file, or its mirror image (prices reflected, p -> C - p, so
 * highs become lows; labelled again by the rules, so every label stays exact). Mirrors only ever
 * serve training: they give the rarer bullish/bearish patterns more distinct examples.
 */
export interface Source {
  file: string;
  mirrored: boolean;
  cols: CandleColumns;
  /** Rule labels `[candles, 15]` in PATTERN_NAMES order. */
  labels: Uint8Array;
  /** Synthetic sources (augment.ts) list their training windows; data files use the time-ordered split. */
  trainEnds?: Int32Array;
}

/** Rows of a split: window `r` ends at candle `end[r]` of `sources[src[r]]`. */
export interface WindowSet {
  sources: readonly Source[];
  src: Int32Array;
  end: Int32Array;
  n: number;
}

/** Reflects prices through C = max(high) + min(low): open/close -> C - p, high -> C - low, low -> C - high. */
export function mirrorColumns(cols: CandleColumns): CandleColumns {
  let maxHigh = -Infinity;
  let minLow = Infinity;
  for (let i = 0; i < cols.close.length; i++) {
    maxHigh = Math.max(maxHigh, cols.high[i]!);
    minLow = Math.min(minLow, cols.low[i]!);
  }
  const c = maxHigh + minLow;
  const flip = (a: Float64Array) => a.map((p) => c - p);
  return {
    time: cols.time,
    open: flip(cols.open),
    high: flip(cols.low),
    low: flip(cols.high),
    close: flip(cols.close),
    volume: cols.volume,
  };
}

export function loadSource(
  dir: string,
  file: string,
  labelFn: LabelFn,
  mirrored = false,
  base?: CandleColumns,
): Source {
  const original = base ?? loadColumns(dir, file);
  const cols = mirrored ? mirrorColumns(original) : original;
  return { file, mirrored, cols, labels: packLabels(labelFn(cols), cols.close.length) };
}

/** The windows of `split` in every source, source by source, in time order. */
export function windowSet(sources: readonly Source[], split: Split): WindowSet {
  const parts = sources.map((s) =>
    s.trainEnds ? (split === 'train' ? s.trainEnds : new Int32Array(0)) : splitEnds(s.cols.close.length, split),
  );
  const n = parts.reduce((a, p) => a + p.length, 0);
  const src = new Int32Array(n);
  const end = new Int32Array(n);
  let r = 0;
  parts.forEach((p, k) => {
    src.fill(k, r, r + p.length);
    end.set(p, r);
    r += p.length;
  });
  return { sources, src, end, n };
}

/** Writes the windows of `rows` into `x` (`[rows.length, WINDOW_SIZE]`) and, if given, their labels into `y`. */
export function writeRows(
  set: WindowSet,
  rows: ArrayLike<number>,
  x: Float32Array,
  y?: Float32Array | Uint8Array,
): void {
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b]!;
    const s = set.sources[set.src[r]!]!;
    const e = set.end[r]!;
    writeWindow(s.cols, e, x, b * WINDOW_SIZE);
    if (y) for (let j = 0; j < K; j++) y[b * K + j] = s.labels[e * K + j]!;
  }
}

/** Labels `[n, 15]` of every row. */
export function setLabels(set: WindowSet): Uint8Array {
  const y = new Uint8Array(set.n * K);
  for (let r = 0; r < set.n; r++) {
    const s = set.sources[set.src[r]!]!;
    const e = set.end[r]!;
    y.set(s.labels.subarray(e * K, e * K + K), r * K);
  }
  return y;
}

/** Calls `fn` with consecutive chunks of windows `[b, WINDOW_SIZE]` and the first row of each. */
export function forEachChunk(
  set: WindowSet,
  chunk: number,
  fn: (x: Float32Array, b: number, first: number) => void,
): void {
  const x = new Float32Array(chunk * WINDOW_SIZE);
  for (let s = 0; s < set.n; s += chunk) {
    const b = Math.min(chunk, set.n - s);
    const rows = Array.from({ length: b }, (_, k) => s + k);
    writeRows(set, rows, x);
    fn(x.subarray(0, b * WINDOW_SIZE), b, s);
  }
}

/** Positive count per pattern. */
export function positives(labels: Uint8Array): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < labels.length; i++) counts[i % K]! += labels[i]!;
  return counts;
}
