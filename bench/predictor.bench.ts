import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toColumns } from '../src/core/candles/candle';
import { inferTimeframe } from '../src/core/candles/timeframe';
import { modelFeatureMatrix } from '../src/core/features';
import { DEFAULT_PRICE_MODEL_DIR, loadPriceEnsembleFromDir } from '../src/core/models/price-ensemble-node';
import { parseCandlesCsv } from '../src/feeds/csv';

const CANDLES =
  process.env['CANDLECAST_DATA'] ??
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'candles');
const FILE = 'binance_BTCUSDT_15m_2023-04_2024-04.csv';
/** Model folder: public/models/price-ensemble unless CANDLECAST_PRICE_MODEL_DIR says otherwise. */
const MODEL_DIR = process.env['CANDLECAST_PRICE_MODEL_DIR'] ?? DEFAULT_PRICE_MODEL_DIR;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Price ensemble (onnxruntime-web wasm, single thread, Node): load time of the 12 models, latency of all 12
 * models for one candle (p50 / p95 of predict()), and rows/s of the batch path used by `candlecast predict`.
 */
export async function bench(log: (line: string) => void): Promise<void> {
  if (!existsSync(join(MODEL_DIR, 'price-ensemble.json'))) {
    log(`predictor: skipped, no models in ${MODEL_DIR} (npm run train:ensemble)`);
    return;
  }
  if (!existsSync(join(CANDLES, FILE))) {
    log(`predictor: skipped, candle data not found at ${CANDLES}`);
    return;
  }
  const t0 = performance.now();
  const ensemble = await loadPriceEnsembleFromDir(MODEL_DIR);
  const loadMs = performance.now() - t0;
  const candles = parseCandlesCsv(readFileSync(join(CANDLES, FILE), 'utf8')).slice(0, 12_000);
  const cols = toColumns(candles);
  const matrix = modelFeatureMatrix(cols);
  const f = matrix.names.length;
  const timeframe = inferTimeframe(cols.time) ?? '1h';
  const stream = ensemble.stream(timeframe);
  const latencies: number[] = [];
  for (let r = 0; r < Math.min(matrix.rows, 2600); r++) {
    const row = matrix.values.subarray(r * f, (r + 1) * f);
    if (r >= 2000) {
      const s = performance.now();
      await stream.predict(row, cols.close[r]!);
      if (r >= 2050) latencies.push(performance.now() - s); // first calls warm up the wasm heap
    }
    stream.closed(row, cols.close[r]!);
  }
  latencies.sort((a, b) => a - b);
  const b0 = performance.now();
  await ensemble.predictSeries(matrix.values, matrix.rows, cols.close, timeframe);
  const batchMs = performance.now() - b0;
  log(`predictor: load ${loadMs.toFixed(0)} ms (12 ONNX models, ${ensemble.backend}, version ${ensemble.version})`);
  log(
    `predictor: one streamed candle (12 models, OOD score, adaptive calibration): p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p95 ${quantile(latencies, 0.95).toFixed(3)} ms (${latencies.length} candles)`,
  );
  log(
    `predictor: batch ${matrix.rows} rows in ${batchMs.toFixed(0)} ms = ${Math.round(matrix.rows / (batchMs / 1000))} rows/s`,
  );
  await ensemble.dispose();
}
