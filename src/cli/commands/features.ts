import type { CandleColumns } from '../../core/candles/candle';
import { computeFeaturesParallel } from '../../core/features/batch/parallel-node';
import { FeatureEngine } from '../../core/features';
import { FEATURE_NAMES } from '../../core/features/registry';
import { parseArgs, requireOne } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';
import { candleAt, formatOf, openTable, progress, readCandleColumns, resolveOutput, withOutput } from '../io';
import { BLOCK_ROWS, type TableWriter } from '../table';
import type { Progress } from '../progress';

/**
 * Largest feature matrix computed whole in batch mode (rows x features x 8 bytes): 1.5 GiB, about 1.48M
 * candles. Longer inputs go through the streaming engine block by block, so memory stays at the input
 * columns plus one block; streaming and batch values are identical, so the output does not depend on it.
 */
const BATCH_MAX_BYTES = 1.5 * 2 ** 30;

/** Whole-series batch (two threads), then the matrix written block by block. */
async function writeBatch(cols: CandleColumns, table: TableWriter, bar: Progress): Promise<void> {
  const features = await computeFeaturesParallel(cols);
  const columns = [cols.time, ...features];
  const n = cols.time.length;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    await table.write(columns, start, Math.min(BLOCK_ROWS, n - start));
    bar.update(Math.min(n, start + BLOCK_ROWS));
  }
}

/** Every candle through one FeatureEngine, BLOCK_ROWS rows computed and written at a time. */
async function writeStream(cols: CandleColumns, table: TableWriter, bar: Progress): Promise<void> {
  const n = cols.time.length;
  const engine = new FeatureEngine();
  const block = FEATURE_NAMES.map(() => new Float64Array(BLOCK_ROWS));
  const time = new Float64Array(BLOCK_ROWS);
  const columns = [time, ...block];
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - start);
    for (let r = 0; r < rows; r++) {
      const row = engine.update(candleAt(cols, start + r));
      time[r] = cols.time[start + r]!;
      for (let f = 0; f < row.length; f++) block[f]![r] = row[f]!;
    }
    await table.write(columns, 0, rows);
    bar.update(start + rows);
  }
}

/**
 * `candlecast features <csv|parquet> [--out F] [--mode stream|batch] [--quiet]`: `time`, then one column per
 * registry feature in registry order; empty cells (Parquet nulls) during warm-up or where a feature is
 * undefined. Both modes give identical values; `stream` feeds the candles one by one through the streaming
 * engine, `batch` computes whole columns (inputs over ~1.5M candles are computed block by block as in stream).
 * `--out x.parquet` writes Parquet, any other name CSV, `-` or no --out CSV on stdout.
 */
export const featuresCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['out', 'mode'], ['quiet']);
    const file = requireOne(args, 'candle file');
    const mode = args.options.get('mode') ?? 'batch';
    if (mode !== 'stream' && mode !== 'batch') throw new CliError(`--mode must be "stream" or "batch", got "${mode}"`);
    const out = args.options.get('out');
    resolveOutput(out, [file]);
    const cols = await readCandleColumns(file);
    const n = cols.time.length;
    const batch = mode === 'batch' && n * FEATURE_NAMES.length * 8 <= BATCH_MAX_BYTES;
    await withOutput(out, [file], async (sink) => {
      const table = openTable(sink, ['time', ...FEATURE_NAMES], formatOf(out), n);
      const bar = progress('features', n, args.flags.has('quiet'));
      try {
        await (batch ? writeBatch : writeStream)(cols, table, bar);
        await table.finish();
      } finally {
        bar.stop();
      }
    });
  },
};
