import { PATTERN_NAMES } from '../../src/core/patterns/names';
import { WINDOW_SIZE, writeWindow } from '../../src/core/patterns/window';
import { loadFileWindows, type FileWindows, type LabelFn, type Split } from './data';

const K = PATTERN_NAMES.length;

/** Windows `[n, WINDOW_SIZE]` and their labels `[n, 15]` of one split over many files, in file then time order. */
export interface SplitSet {
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

export function buildSplit(files: readonly FileWindows[], split: Split): SplitSet {
  const n = files.reduce((s, f) => s + f.ends[split].length, 0);
  const x = new Float32Array(n * WINDOW_SIZE);
  const y = new Uint8Array(n * K);
  let row = 0;
  for (const f of files) {
    for (const end of f.ends[split]) {
      writeWindow(f.cols, end, x, row * WINDOW_SIZE);
      y.set(f.labels.subarray(end * K, end * K + K), row * K);
      row++;
    }
  }
  return { x, y, n };
}

export function loadAll(dir: string, files: readonly string[], labelFn: LabelFn): FileWindows[] {
  return files.map((f) => loadFileWindows(dir, f, labelFn));
}

/** Positive count per pattern. */
export function positives(set: SplitSet): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < set.n; i++) for (let j = 0; j < K; j++) counts[j]! += set.y[i * K + j]!;
  return counts;
}
