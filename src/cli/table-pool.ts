import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RowGroup } from 'hyparquet';
import { CsvRowFormatter } from './csv-rows';
import { RowGroupEncoder } from './parquet-groups';

/** What a table thread makes: CSV lines, or Parquet row groups. */
export type TableKind = 'csv' | 'parquet';

/** What a table thread is started with. */
export interface TableThreadData {
  kind: TableKind;
  header: readonly string[];
}

/** What a table thread gets: one chunk's columns (views into shared memory, or copies handed over). */
export interface TableTask {
  seq: number;
  rows: number;
  columns: Float64Array[];
}

/** A chunk made: its bytes, and for Parquet the row group's metadata (offsets from its first byte). */
export interface TableChunk {
  bytes: Uint8Array;
  group?: RowGroup;
}

/**
 * What makes the chunks of one table, on a table thread or on the main thread for short tables: CSV lines by a
 * CsvRowFormatter, a Parquet row group by a RowGroupEncoder. A buffer given back by `recycle` once written is reused.
 */
export interface ChunkMaker {
  make(columns: readonly ArrayLike<number>[], from: number, rows: number): TableChunk;
  recycle(buffer: ArrayBuffer): void;
}

export function chunkMaker(kind: TableKind, header: readonly string[]): ChunkMaker {
  if (kind === 'csv') {
    const formatter = new CsvRowFormatter();
    return {
      make: (columns, from, rows) => ({ bytes: formatter.format(columns, from, rows) }),
      recycle: (buffer) => formatter.recycle(buffer),
    };
  }
  const encoder = new RowGroupEncoder(header);
  return {
    make: (columns, from, rows) => encoder.encode(columns, from, rows),
    recycle: (buffer) => encoder.recycle(buffer),
  };
}

/** What a table thread gives back: the chunk, tagged with its place. */
export interface TableResult extends TableChunk {
  seq: number;
}

/** Table threads: one per core, at most 4 (the main thread only writes their bytes out in order). */
export function tableThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Chunks posted and not yet written, per thread: bounds the memory held by chunks in flight. */
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
 * Chunks of a table made on worker threads (table-side.ts: CSV lines by a CsvRowFormatter, Parquet row groups by
 * a RowGroupEncoder) while this thread writes them out: `run()` posts a chunk (waiting while too many are in
 * flight), and the chunks made are handed to `append` in the order they were posted, as they come back (with
 * `reuse`, `append` is done with the bytes when it returns, and their buffer goes back to its thread for a later
 * chunk). A failing thread, or a failing `append`, rejects the next `run()` / `finish()` with that error. The
 * threads hold the process open only while chunks are in flight, and end at `finish()` or on the first failure.
 */
export class TablePool {
  private readonly workers: Worker[];
  private posted = 0;
  private written = 0;
  private readonly ready = new Map<number, TableChunk>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    kind: TableKind,
    header: readonly string[],
    threads: number,
    private readonly append: (chunk: TableChunk) => void,
    private readonly reuse: boolean,
  ) {
    const workerData: TableThreadData = { kind, header };
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL('./table-worker.js', import.meta.url), { workerData });
      worker.unref();
      worker.on('message', (result: TableResult) => this.received(result));
      worker.on('error', (err: Error) => this.fail(new Error(`${kind} table thread failed: ${firstLine(err)}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`${kind} table thread exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Posts rows `from` to `from + n - 1` of `columns` as the next chunk. */
  async run(columns: readonly ArrayLike<number>[], from: number, n: number): Promise<void> {
    while (this.failure === null && this.posted - this.written >= IN_FLIGHT_PER_THREAD * this.workers.length) {
      await this.progress();
    }
    if (this.failure) throw this.failure;
    const [cols, transfer] = taskColumns(columns, from, n);
    const worker = this.workers[this.posted % this.workers.length]!;
    const task: TableTask = { seq: this.posted++, rows: n, columns: cols };
    worker.ref();
    worker.postMessage(task, transfer);
  }

  /** Waits until every posted chunk is written, then ends the threads. */
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

  private received(result: TableResult): void {
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
    // a thread with nothing left to make no longer holds the process open
    for (let w = 0; w < this.workers.length; w++) {
      if (!this.pending(w)) this.workers[w]!.unref();
    }
    this.notify();
  }

  /** Whether thread `w` still has a posted chunk that is not written. */
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
