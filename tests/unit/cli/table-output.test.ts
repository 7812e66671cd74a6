import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { withOutput } from '../../../src/cli/output';
import { BLOCK_ROWS, csvTable, ENCODE_THREADS_MIN_ROWS, parquetTable, ROW_GROUP_ROWS } from '../../../src/cli/table';

const ROWS = ENCODE_THREADS_MIN_ROWS + 5_003;
const HEADER = ['time', 'warm', 'holes', 'signed', 'plain', 'shared', 'list'];

/** Columns with what feature columns hold: warm-up NaN, NaN and ±Infinity in the middle, -0; some in shared memory. */
function columns(): ArrayLike<number>[] {
  let s = 99;
  const rand = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const time = Float64Array.from({ length: ROWS }, (_, i) => 1_700_000_040_000 + i * 60_000);
  const warm = Float64Array.from({ length: ROWS }, (_, i) => (i < 40 ? NaN : rand() * 100 - 50));
  const holes = Float64Array.from({ length: ROWS }, (_, i) =>
    i % 9_001 === 0 ? NaN : i % 7_777 === 0 ? Infinity : i % 6_007 === 0 ? -Infinity : rand(),
  );
  const signed = Float64Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? -0 : (rand() - 0.5) * 1e-300));
  const plain = Float64Array.from({ length: ROWS }, () => rand() * 1e6);
  const shared = new Float64Array(new SharedArrayBuffer(ROWS * 8));
  for (let i = 0; i < ROWS; i++) shared[i] = i < 1_000 ? NaN : Math.sin(i) * 1e3;
  const list = Array.from({ length: ROWS }, (_, i) => (i === ROWS - 1 ? NaN : i / 7));
  return [time, warm, holes, signed, plain, shared, list];
}

/** The file hyparquet-writer writes in one call with the same layout: the reference bytes. */
function reference(cols: ArrayLike<number>[]): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: HEADER.length },
    { name: 'time', type: 'INT64', repetition_type: 'REQUIRED' },
    ...HEADER.slice(1).map((name): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })),
  ];
  const columnData: ColumnSource[] = cols.map((col, c) => ({
    name: HEADER[c]!,
    data:
      c === 0
        ? BigInt64Array.from(Array.from(col, (v) => BigInt(v)))
        : Array.from(col, (v) => (Number.isFinite(v) ? v + 0 : null)),
    encoding: 'PLAIN',
    offsetIndex: false,
  }));
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      schema,
      codec: 'UNCOMPRESSED',
      statistics: false,
      rowGroupSize: ROW_GROUP_ROWS,
      pageSize: 0,
    }),
  );
}

/**
 * Writes `cols` through parquetTable block by block, as the features command does; the columns not in shared
 * memory go through one reused block (overwritten after each write, as the streaming mode reuses its block).
 */
async function writeTable(
  path: string,
  cols: ArrayLike<number>[],
  expectedRows: number,
  open = parquetTable,
): Promise<void> {
  const block = cols.map((col) =>
    col instanceof Float64Array && col.buffer instanceof SharedArrayBuffer ? col : null,
  );
  const reused = cols.map(() => new Float64Array(BLOCK_ROWS));
  await withOutput(path, [], async (sink) => {
    const table = open(sink, HEADER, expectedRows);
    for (let start = 0; start < ROWS; start += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, ROWS - start);
      const views = cols.map((col, c) => {
        if (block[c]) return block[c]!.subarray(start, start + n);
        const buf = reused[c]!;
        for (let i = 0; i < n; i++) buf[i] = col[start + i]!;
        return buf;
      });
      await table.write(views, 0, n);
      for (const buf of reused) buf.fill(12345);
    }
    await table.finish();
  });
}

describe('CSV and Parquet output in chunks (on worker threads for long tables)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-pq-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${ROWS} rows on encoder threads and on this thread: the same bytes as hyparquet-writer in one call`, async () => {
    const cols = columns();
    const expected = reference(cols);
    const threaded = join(dir, 'threaded.parquet');
    const inline = join(dir, 'inline.parquet');
    await writeTable(threaded, cols, ROWS);
    await writeTable(inline, cols, 0);
    expect(Buffer.compare(readFileSync(threaded), expected)).toBe(0);
    expect(Buffer.compare(readFileSync(inline), expected)).toBe(0);
  });

  it('reads back with every row: nulls for NaN and ±Infinity, 0 for -0, every other value to the last bit', async () => {
    const cols = columns();
    const path = join(dir, 'read.parquet');
    await writeTable(path, cols, ROWS);
    const bytes = readFileSync(path);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    expect(Number(metadata.num_rows)).toBe(ROWS);
    expect(metadata.row_groups).toHaveLength(Math.ceil(ROWS / ROW_GROUP_ROWS));
    let rows: unknown[][] = [];
    await parquetRead({ file, metadata, onComplete: (r: unknown[][]) => (rows = r) });
    expect(rows).toHaveLength(ROWS);
    const wrong: unknown[] = [];
    for (let i = 0; i < ROWS; i++) {
      if (rows[i]![0] !== BigInt(cols[0]![i]!)) wrong.push([i, 0, rows[i]![0]]);
      for (let c = 1; c < HEADER.length; c++) {
        const v = cols[c]![i]!;
        const want = Number.isFinite(v) ? v + 0 : null;
        if (!Object.is(rows[i]![c], want)) wrong.push([i, c, rows[i]![c], want]);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it(`${ROWS} rows of CSV on table threads and on this thread: every line as String() writes it`, async () => {
    const cols = columns();
    const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');
    const lines = [HEADER.join(',')];
    for (let i = 0; i < ROWS; i++) lines.push(cols.map((col) => cell(col[i]!)).join(','));
    const expected = `${lines.join('\n')}\n`;
    const threaded = join(dir, 'threaded.csv');
    const inline = join(dir, 'inline.csv');
    await writeTable(threaded, cols, ROWS, csvTable);
    await writeTable(inline, cols, 0, csvTable);
    expect(readFileSync(threaded, 'utf8') === expected).toBe(true);
    expect(readFileSync(inline, 'utf8') === expected).toBe(true);
  });
});
