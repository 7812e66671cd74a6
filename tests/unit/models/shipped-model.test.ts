/**
 * The shipped price ensemble (public/models/price-ensemble + manifest entry models.price_ensemble): it loads
 * under the price-input schema, its manifest reports the walk-forward table, its predictions on real candles
 * are well-formed, the OOD flag fires on synthetic out-of-range candles and not on held-out Binance candles, a
 * flat zero-volume series never gives a BUY, and (when training/.work holds the native models) onnxruntime-web
 * matches the Python models on rows the TypeScript engine computes here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { modelFeatureMatrix } from '../../../src/core/features';
import { InsightPipeline } from '../../../src/core/insights/pipeline';
import { PRICE_INPUT_NAMES, priceInputMatrix, priceInputSchemaHash } from '../../../src/core/models/price-inputs';
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
const METRICS = ['ic', 'hit_rate', 'rmse_ratio', 'mae_ratio', 'coverage_80', 'calibration_error'] as const;

describe.skipIf(!shipped)('shipped price ensemble', () => {
  let ensemble: PriceEnsemble;
  beforeAll(async () => {
    ensemble = await loadPriceEnsembleFromDir();
  });
  afterAll(async () => {
    await ensemble?.dispose();
  });

  it('was trained on the price-input schema and lists the inputs in order', () => {
    expect(ensemble.params.feature_schema_hash).toBe(priceInputSchemaHash());
    expect(ensemble.params.feature_names).toEqual(PRICE_INPUT_NAMES);
    expect(ensemble.params.weights).toEqual({ xgboost: 0.4, hist_gbdt: 0.4, random_forest: 0.2 });
  });

  it('has a manifest entry with the walk-forward table, foreign-venue numbers and checked backends', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Record<string, Record<string, unknown>> };
    const entry = manifest.models['price_ensemble']!;
    expect(entry['version']).toBe(ensemble.version);
    expect(entry['feature_schema_hash']).toBe(priceInputSchemaHash());
    expect(entry['member_weights']).toEqual({ xgboost: 0.4, hist_gbdt: 0.4, random_forest: 0.2 });
    const wf = (
      entry['metrics'] as { walk_forward: Record<string, Record<string, Record<string, Record<string, number>>>> }
    ).walk_forward;
    for (const tf of ['1m', '5m', '15m', '1h']) {
      for (const h of PRICE_HORIZONS) {
        const cell = wf[tf]![h]!;
        // 1h rows are a small share of each fold's strided evaluation sample: fewer folds reach 200 rows
        expect(cell['model']!['folds'], `${tf} h=${h}`).toBeGreaterThanOrEqual(tf === '1h' ? 1 : 3);
        for (const k of METRICS) {
          expect(Number.isFinite(cell['model']![k]), `${tf} h=${h} ${k}`).toBe(true);
          expect(Number.isFinite(cell['reversal']![k]), `${tf} h=${h} reversal ${k}`).toBe(true);
        }
        expect(cell['zero']!['rmse_ratio']).toBeCloseTo(1, 12);
        expect(typeof ensemble.params.claims[tf]![h]).toBe('boolean');
      }
    }
    const foreign = (entry['metrics'] as { foreign: Record<string, unknown> }).foreign;
    expect(Object.keys(foreign).length).toBeGreaterThanOrEqual(3);
    const backends = entry['backends_checked'] as string[];
    expect(backends.length).toBeGreaterThan(0);
    expect(backends[0]).toMatch(/onnxruntime-web .*wasm/);
    const checks = entry['backend_checks'] as { backend: string; parity_max_rel_diff: number }[];
    expect(checks.length).toBe(backends.length);
    for (const c of checks) expect(c.parity_max_rel_diff).toBeLessThanOrEqual(1e-5);
  });

  it.skipIf(!hasCandleData)(
    'gives well-formed predictions on a left-out symbol, the OOD flag rarely firing',
    async () => {
      const candles = loadCandles('binance_NEARUSDT_15m_2023-04_2024-04.csv').slice(-3000);
      const cols = toColumns(candles);
      const m = modelFeatureMatrix(cols);
      const batch = await ensemble.predictSeries(m.values, m.rows, cols.close, '15m');
      let n = 0;
      let flagged = 0;
      for (let r = 0; r < m.rows; r++) {
        if (!batch.predictable[r]) continue;
        n++;
        flagged += batch.oodFlag[r]!;
        for (const h of PRICE_HORIZONS) {
          const c = batch.horizons[h];
          expect(c.lower[r]!).toBeLessThan(c.upper[r]!);
          expect(c.confidence[r]!).toBeGreaterThanOrEqual(0);
          expect(c.confidence[r]!).toBeLessThanOrEqual(1);
          expect(Math.abs(c.return[r]!)).toBeLessThan(0.5);
          if (c.skill[r] === 0) {
            expect(c.return[r]).toBe(0);
            expect(c.confidence[r]).toBe(0.5);
            expect(c.prediction[r]).toBe(cols.close[r]);
          }
        }
      }
      expect(n).toBeGreaterThan(2700);
      // ordinary candles, sharp moves included, are not flagged (2.1.0's 99.5% threshold flagged 0.05-0.3% of them)
      expect(flagged / n).toBeLessThan(0.001);
    },
  );

  it.skipIf(!hasCandleData)(
    'where the trees carry no weight, a claimed forecast is the reversal prior -b ln(close_t / close_t-5) exactly',
    async () => {
      const candles = loadCandles('binance_ETHUSDT_1m_2024-05_2024-06.csv').slice(-2500);
      const cols = toColumns(candles);
      const m = modelFeatureMatrix(cols);
      const batch = await ensemble.predictSeries(m.values, m.rows, cols.close, '1m');
      let checked = 0;
      for (const h of PRICE_HORIZONS) {
        const b = ensemble.params.reversal_weight['1m']![h]!;
        if (ensemble.params.shrink['1m']![h] !== 0 || !(b > 0)) continue;
        const c = batch.horizons[h];
        for (let r = 5; r < m.rows; r++) {
          if (c.skill[r] !== 1) continue;
          // the same ranking as the baseline, ties included: computed from the closes in full precision
          const prior = -b * Math.log(cols.close[r]! / cols.close[r - 5]!);
          expect(c.return[r] === prior, `h=${h} row ${r}: ${c.return[r]} vs ${prior}`).toBe(true); // 0 === -0
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(4 * 2000);
    },
  );

  it.skipIf(!hasCandleData)(
    'a claimed horizon whose forecast is exactly no move (close = close 5 candles earlier) abstains: no direction',
    async () => {
      const candles = loadCandles('binance_ETHUSDT_1m_2024-05_2024-06.csv').slice(-2500);
      const flat = [2000, 2100, 2200, 2300];
      for (const r of flat) {
        const close = candles[r - 5]!.close;
        const c = candles[r]!;
        candles[r] = { ...c, close, high: Math.max(c.high, close), low: Math.min(c.low, close) };
      }
      const cols = toColumns(candles);
      const m = modelFeatureMatrix(cols);
      const batch = await ensemble.predictSeries(m.values, m.rows, cols.close, '1m');
      let checked = 0;
      for (const h of PRICE_HORIZONS) {
        if (!ensemble.claims('1m', h) || ensemble.params.shrink['1m']![h] !== 0) continue;
        const c = batch.horizons[h];
        for (const r of flat) {
          expect(batch.oodFlag[r]).toBe(0);
          expect([c.skill[r], c.return[r], c.confidence[r], c.prediction[r]]).toEqual([0, 0, 0.5, cols.close[r]]);
          // the rows around it claim
          expect(c.skill[r + 1]).toBe(1);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(4);
    },
  );

  it.skipIf(!hasCandleData)('flags synthetic out-of-range candles as out of distribution and abstains', async () => {
    const real = loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv').slice(0, 1500);
    // from row 1400 on: every candle jumps 8% with a 30% range and 1000x volume
    const synthetic: Candle[] = real.map((c, i) => {
      if (i < 1400) return c;
      const k = Math.pow(1.08, i - 1399);
      const close = c.close * k;
      return { ...c, open: close / 1.08, high: close * 1.15, low: close / 1.15 / 1.08, close, volume: c.volume * 1000 };
    });
    const cols = toColumns(synthetic);
    const m = modelFeatureMatrix(cols);
    const batch = await ensemble.predictSeries(m.values, m.rows, cols.close, '1m');
    // flagged from the fourth such candle on: the per-minute volatility leaves the trained range
    for (let r = 1403; r < 1500; r++) {
      expect(batch.oodFlag[r], `row ${r}`).toBe(1);
      for (const h of PRICE_HORIZONS) expect(batch.horizons[h].skill[r]).toBe(0);
    }
    let before = 0;
    for (let r = 1000; r < 1400; r++) before += batch.oodFlag[r]!;
    expect(before).toBeLessThan(20);
  });

  it('a flat zero-volume series gives no BUY: abstention or warm-up, said in plain words', async () => {
    const flat: Candle[] = Array.from({ length: 400 }, (_, i) => ({
      time: i * 60_000,
      open: 100,
      high: 100,
      low: 100,
      close: 100,
      volume: 0,
    }));
    const pipeline = new InsightPipeline(
      { exchange: 'test', symbol: 'FLAT', timeframe: '1m' },
      { cnn: null, cnnError: 'not needed', price: ensemble, priceError: null },
    );
    for (const c of flat) pipeline.update(c);
    const insight = (await pipeline.insight())!;
    expect(insight.signals.some((s) => s.type === 'BUY' || s.type === 'SELL')).toBe(false);
    const preds = Object.values(insight.price_predictions);
    if (preds.length === 0) expect(insight.price_note).toMatch(/warm-up/);
    for (const p of preds) {
      expect(p.skill).toBe(false);
      expect(p.return).toBe(0);
      expect(p.confidence).toBe(0.5);
      expect(p.lower).toBeLessThanOrEqual(100);
      expect(p.upper).toBeGreaterThanOrEqual(100);
    }
  });

  it('a series too short for the features says warm-up instead of an empty object', async () => {
    const pipeline = new InsightPipeline(
      { exchange: 'test', symbol: 'BTCUSDT', timeframe: '1m' },
      { cnn: null, cnnError: 'not needed', price: ensemble, priceError: null },
    );
    for (let i = 0; i < 30; i++)
      pipeline.update({ time: i * 60_000, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: 5 });
    const insight = (await pipeline.insight())!;
    expect(insight.price_predictions).toEqual({});
    expect(insight.price_note).toMatch(/^warm-up/);
    expect(insight.ood).toBeNull();
  });

  const natives = existsSync(join(NATIVE_DIR, 'xgboost_h1.xgb.json')) && pythonProblem() === null;
  it.skipIf(!natives || !hasCandleData)(
    'matches the native Python models on freshly computed rows (relative difference <= 1e-5)',
    async () => {
      const candles = loadCandles('binance_XRPUSDT_1h_2018-05_2021-06.csv').slice(-2500);
      const cols = toColumns(candles);
      const m = modelFeatureMatrix(cols);
      const inputs = priceInputMatrix(m.values, m.rows, 60);
      const f = PRICE_INPUT_NAMES.length;
      const picked: number[] = [];
      for (let r = 5; r < m.rows; r += 9) picked.push(r); // includes warm-up rows with NaN inputs
      const rows = new Float32Array(picked.length * f);
      picked.forEach((r, k) => rows.set(inputs.subarray(r * f, (r + 1) * f), k * f));
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
