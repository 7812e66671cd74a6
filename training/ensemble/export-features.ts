/**
 * Exports the price inputs and the targets (log return over h candles) of the candle files named in a
 * training config, for train.py. The inputs come from the TypeScript engine itself (modelFeatureMatrix, then
 * priceInputMatrix of src/core/models/price-inputs.ts), so training and serving cannot drift.
 *
 *   tsx training/ensemble/export-features.ts --config training/ensemble/config.json --out training/.work/ensemble/data
 *
 * Writes meta.json, features.f32 (rows x price inputs, NaN = missing), targets.f64 (rows x horizons, NaN when
 * t + h is past the end of the file or the h candles cross a gap), time.f64, close.f64 and sigma.f64 (the
 * per-candle volatility that scales targets and intervals).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toColumns } from '../../src/core/candles/candle';
import { parseTimeframe, timeframeMs } from '../../src/core/candles/timeframe';
import { modelFeatureMatrix } from '../../src/core/features';
import {
  PRICE_INPUT_NAMES,
  priceInputMatrix,
  priceInputSchemaHash,
  sigmaColumn,
} from '../../src/core/models/price-inputs';
import { parseCandlesCsv } from '../../src/feeds/csv';
import { horizonTargets, parseCandleFileName } from './targets';

export interface ConfigFile {
  file: string;
  /** "train": used by the walk-forward folds and the shipped fit; "foreign": evaluated only, never trained. */
  role?: 'train' | 'foreign';
  max_rows?: number;
}
export interface TrainingConfig {
  horizons: number[];
  files: ConfigFile[];
}

/** Default folder of the real candles: ../shared/data/candles beside the checkout (CANDLECAST_DATA overrides). */
export function defaultCandlesDir(): string {
  return (
    process.env['CANDLECAST_DATA'] ??
    resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'shared', 'data', 'candles')
  );
}

function concatBytes(chunks: readonly (Float32Array | Float64Array)[]): Uint8Array {
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  return bytes;
}

/** Exports features and targets of every file in `config` to `out`; returns the number of rows. */
export function exportFeatures(
  config: TrainingConfig,
  dataDir: string,
  out: string,
  log: (line: string) => void = console.log,
): number {
  mkdirSync(out, { recursive: true });
  const names = PRICE_INPUT_NAMES;
  const featureChunks: Float32Array[] = [];
  const targetChunks: Float64Array[] = [];
  const timeChunks: Float64Array[] = [];
  const closeChunks: Float64Array[] = [];
  const sigmaChunks: Float64Array[] = [];
  const files: Record<string, unknown>[] = [];
  let offset = 0;
  const t0 = performance.now();
  for (const spec of config.files) {
    const path = join(dataDir, spec.file);
    let candles = parseCandlesCsv(readFileSync(path, 'utf8'), { source: path });
    if (spec.max_rows !== undefined) candles = candles.slice(0, spec.max_rows);
    const { exchange, symbol, timeframe } = parseCandleFileName(spec.file);
    const tfMs = timeframeMs(parseTimeframe(timeframe));
    const cols = toColumns(candles);
    const matrix = modelFeatureMatrix(cols);
    featureChunks.push(priceInputMatrix(matrix.values, matrix.rows, tfMs / 60_000));
    sigmaChunks.push(sigmaColumn(matrix.values, matrix.rows));
    targetChunks.push(horizonTargets(cols.time, cols.close, tfMs, config.horizons));
    timeChunks.push(cols.time);
    closeChunks.push(cols.close);
    files.push({
      file: spec.file,
      exchange,
      symbol,
      timeframe,
      timeframe_ms: tfMs,
      role: spec.role ?? 'train',
      offset,
      rows: matrix.rows,
      first: new Date(cols.time[0]!).toISOString(),
      last: new Date(cols.time[cols.time.length - 1]!).toISOString(),
    });
    offset += matrix.rows;
    log(`[export] ${spec.file}: ${matrix.rows} rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const writeAtomic = (name: string, data: Uint8Array | string): void => {
    const tmp = join(out, `${name}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(out, name));
  };
  writeAtomic('features.f32', concatBytes(featureChunks));
  writeAtomic('targets.f64', concatBytes(targetChunks));
  writeAtomic('time.f64', concatBytes(timeChunks));
  writeAtomic('close.f64', concatBytes(closeChunks));
  writeAtomic('sigma.f64', concatBytes(sigmaChunks));
  const meta = {
    rows: offset,
    feature_names: names,
    schema_hash: priceInputSchemaHash(),
    horizons: config.horizons,
    files,
  };
  writeAtomic('meta.json', JSON.stringify(meta, null, 1));
  log(`[export] ${offset} rows x ${names.length} features -> ${out}`);
  return offset;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { config: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' } },
  });
  if (!values.config || !values.out) {
    console.error('usage: export-features.ts --config CONFIG.json --out FOLDER [--data CANDLES_DIR]');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(values.config, 'utf8')) as TrainingConfig;
  exportFeatures(config, values.data ?? defaultCandlesDir(), values.out);
}
