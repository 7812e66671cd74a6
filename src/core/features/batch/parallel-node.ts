import { Worker } from 'node:worker_threads';
import type { CandleColumns } from '../../candles/candle';
import { FEATURES } from '../registry';
import { BatchContext } from './context';
import { computeFeatures, featureColumns, mainGroups, validate } from './index';
import { garchRatio } from './market';

const NF = FEATURES.length;
/** Below this many candles a second thread costs more than it saves: plain computeFeatures. */
export const PARALLEL_MIN_ROWS = 50_000;

/** What the side thread gets: the candle columns and the output columns, all in shared memory. */
export interface SideTask {
  rows: number;
  candles: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

/** The five candle columns (open, high, low, close, volume) laid end to end in `buffer`. */
export function candleViews(buffer: ArrayBufferLike, rows: number): Float64Array[] {
  return [0, 1, 2, 3, 4].map((k) => new Float64Array(buffer, k * rows * 8, rows));
}

/**
 * The side thread, started on first use and kept between calls so later calls do not pay the ~0.25 s of
 * starting a thread through tsx's loader; null while a call uses it. It holds the process open only while
 * it works (ref'd during a task, unref'd when idle).
 */
let idle: Worker | null = null;

function sideThread(): Worker {
  const worker = idle ?? new Worker(new URL('./parallel-worker.js', import.meta.url));
  idle = null;
  worker.ref();
  return worker;
}

/** Posts the task; resolves when the side thread replies, rejects with one line if it fails. */
function runSide(worker: Worker, task: SideTask): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      worker.off('error', failed).off('exit', exited);
      resolve();
    };
    const failed = (err: Error): void => {
      worker.off('message', done).off('exit', exited);
      reject(new Error(`feature side thread failed: ${err.message.split('\n')[0]}`));
    };
    const exited = (code: number): void => {
      worker.off('message', done).off('error', failed);
      reject(new Error(`feature side thread exited with code ${code} before finishing`));
    };
    worker.once('message', done).once('error', failed).once('exit', exited);
    worker.postMessage(task);
  });
}

/**
 * Node-only batch mode on two threads, identical values to `computeFeatures` (same kernels, same operations):
 * a worker thread computes the groups that need only the candles (`sideGroups`: moving averages, volume flow,
 * oscillators, GARCH) while this thread computes the rest (`mainGroups`); garch_vol_ratio is filled once both
 * are done. The columns are views into one SharedArrayBuffer. Invalid candles throw the streaming engine's
 * RangeError before anything starts; a failing side thread rejects with one line.
 */
export async function computeFeaturesParallel(cols: CandleColumns): Promise<Float64Array[]> {
  const rows = cols.close.length;
  if (rows < PARALLEL_MIN_ROWS) return computeFeatures(cols);
  validate(cols);
  const candles = new SharedArrayBuffer(5 * rows * 8);
  const [open, high, low, close, volume] = candleViews(candles, rows) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  open.set(cols.open);
  high.set(cols.high);
  low.set(cols.low);
  close.set(cols.close);
  volume.set(cols.volume);
  const output = new SharedArrayBuffer(NF * rows * 8);
  const columns = featureColumns(output, rows);
  const worker = sideThread();
  const side = runSide(worker, { rows, candles, output });
  let healthy = false;
  try {
    const ctx = new BatchContext(open, high, low, close, volume, columns);
    mainGroups(ctx);
    await side;
    healthy = true;
    garchRatio(ctx);
  } finally {
    if (healthy && idle === null) {
      worker.unref();
      idle = worker;
    } else {
      void side.catch(() => undefined).finally(() => worker.terminate());
    }
  }
  return columns;
}
