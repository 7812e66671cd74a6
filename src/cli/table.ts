import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Writer } from 'hyparquet-writer';
import type { OutputSink } from './output';
import { parquetSchema, relocate, ROW_GROUP_ROWS } from './parquet-groups';
import { csvNumber } from './csv-rows';
import { chunkMaker, TablePool, tableThreads, type TableChunk, type TableKind } from './table-pool';

/** Output formats, chosen by the `--out` extension: `.parquet` is Parquet, anything else (and stdout) CSV. */
export type TableFormat = 'csv' | 'parquet';

export function formatOf(out: string | undefined): TableFormat {
  return out !== undefined && /\.parquet$/i.test(out) ? 'parquet' : 'csv';
}

/** Rows per block computed and handed to a TableWriter: what is held in memory as output columns at once. */
export const BLOCK_ROWS = 1 << 15;

/** Rows per Parquet row group (a block is written as several): see parquet-groups.ts. */
export { ROW_GROUP_ROWS };

/**
 * A table written block by block as it is computed. Column 0 is `time` (epoch ms), every other column a number
 * where NaN means empty (warm-up or undefined): an empty CSV cell, a Parquet null.
 */
export interface TableWriter {
  /**
   * Writes rows `start` to `start + rows - 1` of `columns` (one array per header name). Columns in shared memory
   * (a SharedArrayBuffer) may still be read after the returned promise settles, until `finish()`: they must not
   * change before; any other column may be reused at once.
   */
  write(columns: readonly ArrayLike<number>[], start: number, rows: number): Promise<void>;
  /** Writes what ends the table (the Parquet footer). */
  finish(): Promise<void>;
}

export { csvNumber };

/** Outputs of at least this many rows are formatted or encoded on worker threads (TablePool); shorter ones here. */
export const ENCODE_THREADS_MIN_ROWS = 1 << 16;

/** Rows formatted or encoded at a time: a CSV chunk or a Parquet row group. */
const CHUNK_ROWS = ROW_GROUP_ROWS;

/**
 * The chunk loop of both formats: rows in chunks of CHUNK_ROWS, each made by a ChunkMaker and handed to `deliver`
 * in order. A table of `rows` >= ENCODE_THREADS_MIN_ROWS (the expected total) is made on worker threads
 * (TablePool) while this thread delivers, the same bytes. `finish` waits for the last chunk.
 */
function chunkedTable(
  kind: TableKind,
  sink: OutputSink,
  header: readonly string[],
  rows: number,
  deliver: (chunk: TableChunk) => void,
): TableWriter {
  // Bytes written to a file or pipe are written when sink.write returns; stdout queues them, so they are never reused.
  const reuse = sink.target.kind !== 'stdout';
  const pool = rows >= ENCODE_THREADS_MIN_ROWS ? new TablePool(kind, header, tableThreads(), deliver, reuse) : null;
  const maker = pool ? null : chunkMaker(kind, header);
  return {
    async write(columns, start, count) {
      for (let from = start; from < start + count; from += CHUNK_ROWS) {
        const n = Math.min(start + count, from + CHUNK_ROWS) - from;
        if (pool) await pool.run(columns, from, n);
        else {
          const chunk = maker!.make(columns, from, n);
          deliver(chunk);
          if (reuse) maker!.recycle(chunk.bytes.buffer as ArrayBuffer);
          await sink.drain();
        }
      }
      await sink.drain();
    },
    async finish() {
      await pool?.finish();
    },
  };
}

/** CSV: the header, then the rows (chunkedTable), each chunk's lines handed to the sink as they are done. */
export function csvTable(sink: OutputSink, header: readonly string[], rows = 0): TableWriter {
  sink.write(`${header.join(',')}\n`);
  const chunks = chunkedTable('csv', sink, header, rows, ({ bytes }) => sink.write(bytes));
  return {
    write: (columns, start, count) => chunks.write(columns, start, count),
    async finish() {
      await chunks.finish();
      await sink.drain();
    },
  };
}

/**
 * hyparquet-writer's ByteWriter that hands its bytes to the sink whenever it holds more than `chunk` bytes, and
 * takes row groups encoded elsewhere (`appendGroup`: written straight to the sink, counted in `offset`).
 */
function sinkWriter(sink: OutputSink, chunk = 1 << 20): Writer & { appendGroup(bytes: Uint8Array): void } {
  const writer = new ByteWriter();
  const flush = (): void => {
    if (writer.index === 0) return;
    sink.write(new Uint8Array(writer.buffer.slice(0, writer.index)));
    writer.index = 0;
  };
  writer.ensure = (size: number): void => {
    if (writer.index > chunk) flush();
    if (writer.index + size > writer.buffer.byteLength) {
      const grown = new ArrayBuffer(Math.max(writer.buffer.byteLength * 2, writer.index + size));
      new Uint8Array(grown).set(new Uint8Array(writer.buffer, 0, writer.index));
      writer.buffer = grown;
      writer.view = new DataView(grown);
    }
  };
  writer.finish = (): void => flush();
  return Object.assign(writer, {
    appendGroup(bytes: Uint8Array): void {
      flush();
      sink.write(bytes);
      writer.offset += bytes.byteLength;
    },
  });
}

/**
 * Parquet through hyparquet-writer: `time` as INT64 epoch ms, every other column DOUBLE with nulls for empty
 * values (parquetSchema); row groups of ROW_GROUP_ROWS, each encoded on its own (RowGroupEncoder) and written
 * as it comes, its offsets moved to its place in the file (relocate); the footer is the ParquetWriter's, over
 * the row groups written. Row groups are made by chunkedTable (on worker threads for long tables).
 */
export function parquetTable(sink: OutputSink, header: readonly string[], rows = 0): TableWriter {
  const out = sinkWriter(sink);
  const file = new ParquetWriter({
    writer: out,
    schema: parquetSchema(header),
    codec: 'UNCOMPRESSED',
    statistics: false,
  });
  const append = ({ bytes, group }: TableChunk): void => {
    if (group === undefined) throw new Error('parquetTable: a chunk without its row group');
    file.row_groups.push(relocate(group, out.offset));
    file.num_rows += group.num_rows;
    out.appendGroup(bytes);
  };
  const chunks = chunkedTable('parquet', sink, header, rows, append);
  return {
    write: (columns, start, count) => chunks.write(columns, start, count),
    async finish() {
      await chunks.finish();
      await file.finish();
      await sink.drain();
    },
  };
}

/** A table on `sink` in `format`; `rows` is the number of rows expected (0: unknown, or few). */
export function openTable(sink: OutputSink, header: readonly string[], format: TableFormat, rows = 0): TableWriter {
  return format === 'parquet' ? parquetTable(sink, header, rows) : csvTable(sink, header, rows);
}
