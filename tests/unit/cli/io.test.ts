import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { FEATURE_NAMES } from '../../../src/core/features/registry';
import { BLOCK_ROWS, ENCODE_THREADS_MIN_ROWS, ROW_GROUP_ROWS } from '../../../src/cli/table';
import { cli, cliAsync, csvOf, noStack, walk } from '../../helpers/cli';

/** Every row of a Parquet file through hyparquet (a reader independent of the writer package). */
async function readParquet(path: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  let rows: unknown[][] = [];
  await parquetRead({ file, metadata, onComplete: (r: unknown[][]) => (rows = r) });
  return { names: metadata.schema.slice(1).map((s) => s.name), rows };
}

/** CSV cells and Parquet values are equal to the last bit: '' is null, every number the same double. */
function expectSameTable(csv: string, parquet: { names: string[]; rows: unknown[][] }): void {
  const lines = csv.trimEnd().split('\n');
  expect(parquet.names.join(',')).toBe(lines[0]);
  expect(parquet.rows.length).toBe(lines.length - 1);
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    const row = parquet.rows[r - 1]!;
    expect(typeof row[0]).toBe('bigint');
    expect(Number(row[0])).toBe(Number(cells[0]));
    for (let c = 1; c < cells.length; c++) {
      const v = row[c];
      if (cells[c] === '') expect(v).toBeNull();
      else if (!Object.is(v, Number(cells[c]))) expect([r, c, v]).toEqual([r, c, Number(cells[c])]);
    }
  }
}

describe('candlecast features/patterns/predict: Parquet and CSV, streamed in blocks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-io-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('features: the Parquet file reads back with every row and column equal to the CSV run, to the last bit', async () => {
    const input = join(dir, 'walk.csv');
    // closes at the high of the window make Williams %R a negative zero, which CSV prints as 0
    const candles = walk(3000).map((c, i) => (i % 7 === 0 ? { ...c, close: c.high, open: c.low } : c));
    writeFileSync(input, csvOf(candles));
    const csvOut = join(dir, 'f.csv');
    const pqOut = join(dir, 'f.parquet');
    expect(cli(['features', input, '--out', csvOut]).status).toBe(0);
    const run = cli(['features', input, '--out', pqOut]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const table = await readParquet(pqOut);
    expect(table.names).toEqual(['time', ...FEATURE_NAMES]);
    const meta = parquetMetadata(new Uint8Array(readFileSync(pqOut)).buffer);
    expect(meta.schema[1]).toMatchObject({ name: 'time', type: 'INT64' });
    expect(meta.schema[2]).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    expect(table.rows[0]![1]).toBeNull(); // ret_1 is empty on the first candle (warm-up)
    expectSameTable(readFileSync(csvOut, 'utf8'), table);
  });

  it('patterns and predict: Parquet equals CSV too', async () => {
    const input = join(dir, 'walk-p.csv');
    writeFileSync(input, csvOf(walk(400, 3)));
    for (const command of ['patterns', 'predict']) {
      const csvOut = join(dir, `${command}.csv`);
      const pqOut = join(dir, `${command}.parquet`);
      expect(cli([command, input, '--out', csvOut]).status).toBe(0);
      expect(cli([command, input, '--out', pqOut]).status).toBe(0);
      expectSameTable(readFileSync(csvOut, 'utf8'), await readParquet(pqOut));
    }
  });

  it(`a file longer than one block (${BLOCK_ROWS} rows): streaming, chunked and whole-file runs give the same rows`, async () => {
    const n = BLOCK_ROWS * 2 + 777;
    const input = join(dir, 'long.csv');
    writeFileSync(input, csvOf(walk(n, 11)));
    const batch = cli(['features', input, '--mode', 'batch']);
    const stream = cli(['features', input, '--mode', 'stream', '--out', '-']);
    expect(batch.status).toBe(0);
    expect(stream.status).toBe(0);
    expect(batch.stdout.split('\n').length).toBe(n + 2);
    expect(stream.stdout).toBe(batch.stdout);
    const pqOut = join(dir, 'long.parquet');
    expect(cli(['features', input, '--mode', 'stream', '--out', pqOut]).status).toBe(0);
    const meta = parquetMetadata(new Uint8Array(readFileSync(pqOut)).buffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([
      ...Array<number>(Math.floor(n / ROW_GROUP_ROWS)).fill(ROW_GROUP_ROWS),
      n % ROW_GROUP_ROWS,
    ]);
    expect(Number(meta.num_rows)).toBe(n);
    // long enough to be encoded on the worker threads (ENCODE_THREADS_MIN_ROWS): every row equal to the CSV run
    expect(n).toBeGreaterThanOrEqual(ENCODE_THREADS_MIN_ROWS);
    expectSameTable(batch.stdout, await readParquet(pqOut));
  });

  it('reads candles from Parquet: the same features as from the CSV', () => {
    const candles = walk(500, 5);
    const csvIn = join(dir, 'in.csv');
    const pqIn = join(dir, 'in.parquet');
    writeFileSync(csvIn, csvOf(candles));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'time', data: BigInt64Array.from(candles.map((c) => BigInt(c.time))), type: 'INT64' },
        ...(['open', 'high', 'low', 'close', 'volume'] as const).map((k) => ({
          name: k,
          data: Float64Array.from(candles.map((c) => c[k])),
          type: 'DOUBLE' as const,
        })),
      ],
    });
    writeFileSync(pqIn, new Uint8Array(buffer));
    const fromCsv = cli(['features', csvIn]);
    const fromParquet = cli(['features', pqIn]);
    expect(fromParquet.status).toBe(0);
    expect(fromParquet.stdout).toBe(fromCsv.stdout);
  });

  const good = walk(50, 9);
  const badParquet: Array<[string, () => Uint8Array, RegExp]> = [
    [
      'a corrupt file',
      () => new Uint8Array(Buffer.from('PAR1 this is not parquet at all PAR1')),
      /not a readable Parquet file/,
    ],
    [
      'a missing column',
      () =>
        new Uint8Array(
          parquetWriteBuffer({
            columnData: [
              { name: 'time', data: BigInt64Array.from(good.map((c) => BigInt(c.time))), type: 'INT64' },
              { name: 'close', data: Float64Array.from(good.map((c) => c.close)), type: 'DOUBLE' },
            ],
          }),
        ),
      /missing columns open, high, low, volume/,
    ],
    [
      'a column of the wrong type',
      () =>
        new Uint8Array(
          parquetWriteBuffer({
            columnData: [
              { name: 'time', data: BigInt64Array.from(good.map((c) => BigInt(c.time))), type: 'INT64' },
              ...(['open', 'high', 'low', 'close'] as const).map((k) => ({
                name: k,
                data: Float64Array.from(good.map((c) => c[k])),
                type: 'DOUBLE' as const,
              })),
              { name: 'volume', data: good.map((c) => String(c.volume)), type: 'STRING' as const },
            ],
          }),
        ),
      /column volume is BYTE_ARRAY, expected numbers/,
    ],
  ];
  for (const command of ['features', 'patterns', 'predict', 'insights']) {
    it.each(badParquet)(
      `${command}: Parquet input with %s: one line, exit 2, nothing written`,
      (name, bytes, message) => {
        const input = join(dir, `${command}-${name.replace(/\W+/g, '-')}.parquet`);
        writeFileSync(input, bytes());
        const out = join(dir, `${command}-${name.replace(/\W+/g, '-')}.out.csv`);
        const run = cli([command, input, '--out', out]);
        expect(run.status).toBe(2);
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(run.stderr).toContain(`candlecast ${command}: ${input}`);
        expect(run.stderr).toMatch(message);
        expect(noStack(run.stderr)).toBe(true);
        expect(existsSync(out)).toBe(false);
      },
    );
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a run leaves no partial --out and no temporary file`, async () => {
      const sub = mkdtempSync(join(dir, `${signal}-`));
      const input = join(sub, 'in.csv');
      writeFileSync(input, csvOf(walk(150_000, 13)));
      const out = join(sub, 'out.parquet');
      const child = cliAsync(['features', input, '--mode', 'stream', '--out', out]);
      const deadline = Date.now() + 120_000;
      while (!readdirSync(sub).some((f) => f.includes('.tmp-')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill(signal);
      const exit = await child.exit;
      expect(exit.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(readdirSync(sub)).toEqual(['in.csv']);
    });
  }
});
