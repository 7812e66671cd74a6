/**
 * The shipped price ensemble (public/models/price-ensemble + manifest entry models.price_ensemble): it loads
 * under the engine's feature schema, its manifest reports every hold-out metric, its predictions on real candles
 * are well-formed, and (when training/.work holds the native models) onnxruntime-web matches the Python models
 * on rows the TypeScript engine computes here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toColumns } from '../../../src/core/candles/candle';
import { modelFeatureMatrix } from '../../../src/core/features';
import { featureSchemaHash, MODEL_FEATURE_NAMES } from '../../../src/core/features/registry';
import { ENSEMBLE_MEMBERS, PRICE_HORIZONS, type PriceEnsemble } from '../../../src/core/models/price-ensemble';
import { DEFAULT_PRICE_MODEL_DIR, loadPriceEnsembleFromDir } from '../../../src/core/models/price-ensemble-node';
import { relativeDifferences } from '../../../training/ensemble/parity';
import { ENSEMBLE_DIR, PYTHON, pythonProblem } from '../../../training/ensemble/python';
import { hasCandleData, loadCandles } from '../../helpers/data';

const shipped = existsSync(join(DEFAULT_PRICE_MODEL_DIR, 'price-ensemble.json'));
if (!shipped) {
  if (process.env['CI']) throw new Error(`no shipped price ensemble in ${DEFAULT_PRICE_MODEL_DIR}`);
  console.warn(
    `SKIPPING shipped price-ensemble tests: no models in ${DEFAULT_PRICE_MODEL_DIR} (npm run train:ensemble)`,
  );
}
const MANIFEST = resolve(DEFAULT_PRICE_MODEL_DIR, '..', 'manifest.json');
const NATIVE_DIR = resolve(ENSEMBLE_DIR, '..', '.work', 'ensemble');
const METRICS = ['ic', 'hit_rate', 'mae_ratio_vs_random_walk', 'coverage_80', 'calibration_error'] as const;

describe.skipIf(!shipped)('shipped price ensemble', () => {
  let ensemble: PriceEnsemble;
  beforeAll(async () => {
    ensemble = await loadPriceEnsembleFromDir();
  });
  afterAll(async () => {
    await ensemble?.dispose();
  });

  it('was trained on the engine feature schema and lists the model features in order', () => {
    expect(ensemble.params.feature_schema_hash).toBe(featureSchemaHash());
    expect(ensemble.params.feature_names).toEqual(MODEL_FEATURE_NAMES);
    expect(ensemble.params.weights).toEqual({ xgboost: 0.4, hist_gbdt: 0.4, random_forest: 0.2 });
  });

  it('has a manifest entry with hold-out metrics per horizon, training data and checked backends', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Record<string, Record<string, unknown>> };
    const entry = manifest.models['price_ensemble']!;
    expect(entry['version']).toBe(ensemble.version);
    expect(entry['feature_schema_hash']).toBe(featureSchemaHash());
    expect(entry['member_weights']).toEqual({ xgboost: 0.4, hist_gbdt: 0.4, random_forest: 0.2 });
    const metrics = entry['metrics'] as Record<string, Record<string, Record<string, number>>>;
    for (const part of ['held_out_period', 'unseen_symbols']) {
      for (const h of PRICE_HORIZONS) {
        for (const k of METRICS) expect(Number.isFinite(metrics[part]![h]![k]), `${part} h=${h} ${k}`).toBe(true);
        expect(metrics[part]![h]!['rows']).toBeGreaterThan(1000);
      }
    }
    const data = entry['training_data'] as { files: { file: string }[]; unseen_symbol_files: { file: string }[] };
    expect(data.files.length).toBeGreaterThan(5);
    expect(data.unseen_symbol_files.length).toBeGreaterThan(0);
    const backends = entry['backends_checked'] as string[];
    expect(backends.length).toBeGreaterThan(0);
    expect(backends[0]).toMatch(/onnxruntime-web .*wasm/);
    const checks = entry['backend_checks'] as { backend: string; parity_max_rel_diff: number }[];
    expect(checks.length).toBe(backends.length);
    for (const c of checks) expect(c.parity_max_rel_diff).toBeLessThanOrEqual(1e-5);
  });

  it.skipIf(!hasCandleData)('gives well-formed predictions on an unseen symbol', async () => {
    const candles = loadCandles('binance_NEARUSDT_15m_2023-04_2024-04.csv').slice(-3000);
    const cols = toColumns(candles);
    const m = modelFeatureMatrix(cols);
    const batch = await ensemble.predictBatch(m.values, m.rows, cols.close);
    let n = 0;
    for (let r = 0; r < m.rows; r++) {
      if (!batch.predictable[r]) continue;
      n++;
      for (const h of PRICE_HORIZONS) {
        const c = batch.horizons[h];
        expect(c.lower[r]!).toBeLessThan(c.upper[r]!);
        expect(c.confidence[r]!).toBeGreaterThanOrEqual(0);
        expect(c.confidence[r]!).toBeLessThanOrEqual(1);
        expect(Math.abs(c.return[r]!)).toBeLessThan(0.5);
        expect(Number.isFinite(c.std[r]!)).toBe(true);
      }
    }
    expect(n).toBeGreaterThan(2700);
  });

  const natives = existsSync(join(NATIVE_DIR, 'xgboost_h1.xgb.json')) && pythonProblem() === null;
  it.skipIf(!natives || !hasCandleData)(
    'matches the native Python models on freshly computed rows (relative difference <= 1e-5)',
    async () => {
      const candles = loadCandles('binance_XRPUSDT_1h_2018-05_2021-06.csv').slice(-2500);
      const cols = toColumns(candles);
      const m = modelFeatureMatrix(cols);
      const f = m.names.length;
      const picked: number[] = [];
      for (let r = 5; r < m.rows; r += 9) picked.push(r); // includes warm-up rows with NaN features
      const rows = new Float32Array(picked.length * f);
      picked.forEach((r, k) => rows.set(m.values.subarray(r * f, (r + 1) * f), k * f));
      const dir = mkdtempSync(join(tmpdir(), 'candlecast-parity-'));
      try {
        writeFileSync(join(dir, 'rows.f32'), rows);
        const py = spawnSync(
          PYTHON,
          [
            join(ENSEMBLE_DIR, 'reference_predict.py'),
            '--work',
            NATIVE_DIR,
            '--rows',
            join(dir, 'rows.f32'),
            '--features',
            String(f),
          ],
          {
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(py.status, py.stderr).toBe(0);
        const ref = JSON.parse(py.stdout) as Record<string, number[]>;
        const out = await ensemble.runAll(rows, picked.length);
        for (const h of PRICE_HORIZONS) {
          for (const mem of ENSEMBLE_MEMBERS)
            expect(relativeDifferences(out[h][mem], ref[`${mem}_h${h}`]!), `${mem}_h${h}`).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
