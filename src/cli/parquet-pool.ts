import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RowGroup } from 'hyparquet';
import type { EncodedGroup } from './parquet-groups';

/** What an encoder thread gets: one row group's columns (views into shared memory, or copies handed over). */
export interface EncodeTask {
  seq: number;
  rows: number;
  columns: Float64Array[];
}

/** What it gives back: the group's bytes and metadata (offsets from its first byte), tagged with its place. */
export interface EncodeResult {
  seq: number;
  bytes: Uint8Array;
  group: RowGroup;
}

/** Encoder threads: one per core, at most 4 (the main thread only writes their bytes out in order). */
export function encoderThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Row groups posted and not yet written, per thread: bounds the memory held by groups in flight. */
const IN_FLIGHT_PER_THREAD = 2;

/**
 * The row group's columns for a task: a column in shared memory is passed as a view (no copy), any other
 * is copied into a buffer of its own, handed over to the thread.
 */
function taskColumns(columns: readonly ArrayLike<number>[], from: number, n: number): [Float64Array[], ArrayBuffer[]] {
  const out: Float64Array[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const col of columns) {
    if (col instanceof Float64Array && col.buffer instanceof SharedArrayBuffer) {
      out.push(col.subarray(from, from + n));
    } else {
      const copy = new Float64Array(n);
      if (col instanceof Float64Array) copy.set(col.subarray(from, from + n));
      else for (let i = 0; i < n; i++) copy[i] = col[from + i]!;
      out.push(copy);
      transfer.push(copy.buffer);
    }
  }
  return [out, transfer];
}

/**
 * Parquet row groups encoded on worker threads (parquet-side.ts, each a RowGroupEncoder) while this thread
 * writes them out: `encode()` posts a group (waiting while too many are in flight), and the encoded groups are
 * handed to `append` in the order they were posted, as they come back (with `reuse`, `append` is done with the
 * bytes when it returns, and their buffer goes back to its thread for a later group). A failing thread, or a failing
 * `append`, rejects the next `encode()` / `finish()` with that error. The threads hold the process open only
 * while groups are in flight, and end at `finish()` or on the first failure.
 */
export class EncoderPool {
  private readonly workers: Worker[];
  private posted = 0;
  private written = 0;
  private readonly ready = new Map<number, EncodedGroup>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    header: readonly string[],
    threads: number,
    private readonly append: (encoded: EncodedGroup) => void,
    private readonly reuse: boolean,
  ) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL('./parquet-worker.js', import.meta.url), { workerData: { header } });
      worker.unref();
      worker.on('message', (result: EncodeResult) => this.received(result));
      worker.on('error', (err: Error) => this.fail(new Error(`Parquet encoder thread failed: ${firstLine(err)}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`Parquet encoder thread exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Posts rows `from` to `from + n - 1` of `columns` as the next row group. */
  async encode(columns: readonly ArrayLike<number>[], from: number, n: number): Promise<void> {
    while (this.failure === null && this.posted - this.written >= IN_FLIGHT_PER_THREAD * this.workers.length) {
      await this.progress();
    }
    if (this.failure) throw this.failure;
    const [cols, transfer] = taskColumns(columns, from, n);
    const worker = this.workers[this.posted % this.workers.length]!;
    const task: EncodeTask = { seq: this.posted++, rows: n, columns: cols };
    worker.ref();
    worker.postMessage(task, transfer);
  }

  /** Waits until every posted group is written, then ends the threads. */
  async finish(): Promise<void> {
    while (this.failure === null && this.written < this.posted) await this.progress();
    this.close();
    if (this.failure) throw this.failure;
  }

  /** Ends the threads (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
  }

  private progress(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private received(result: EncodeResult): void {
    if (this.failure) return;
    this.ready.set(result.seq, { bytes: result.bytes, group: result.group });
    try {
      for (let next = this.ready.get(this.written); next; next = this.ready.get(this.written)) {
        this.ready.delete(this.written);
        this.append(next);
        if (this.reuse) {
          const buffer = next.bytes.buffer as ArrayBuffer;
          this.workers[this.written % this.workers.length]!.postMessage(buffer, [buffer]);
        }
        this.written++;
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // a thread with nothing left to encode no longer holds the process open
    for (let w = 0; w < this.workers.length; w++) {
      if (!this.pending(w)) this.workers[w]!.unref();
    }
    this.notify();
  }

  /** Whether thread `w` still has a posted group that is not written. */
  private pending(w: number): boolean {
    const threads = this.workers.length;
    const first = this.written + ((w - (this.written % threads) + threads) % threads);
    return first < this.posted;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.ready.clear();
    this.close();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function firstLine(err: Error): string {
  return err.message.split('\n')[0]!;
}
