/**
 * CI smoke run of the whole price-ensemble pipeline on a small slice of real candles:
 * TypeScript feature export -> Debian Python training (xgboost, hist_gbdt, random_forest) -> our ONNX converter
 * -> onnxruntime-web (wasm, Node) parity with the Python models; then leakage controls, the schema-hash check
 * and `candlecast predict`. Skipped (loudly) only when /usr/bin/python3 lacks the packages and CI is not set.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { modelFeatureMatrix } from '../../../src/core/features';
import { main } from '../../../src/cli/main';
import {
  ENSEMBLE_MEMBERS,
  PRICE_HORIZONS,
  PriceEnsembleLoadError,
  type PriceEnsemble,
} from '../../../src/core/models/price-ensemble';
import { loadPriceEnsembleFromDir } from '../../../src/core/models/price-ensemble-node';
import { formatCandlesCsv } from '../../../src/feeds/csv';
import { exportFeatures, type TrainingConfig } from '../../../training/ensemble/export-features';
import { checkParity } from '../../../training/ensemble/parity';
import { ENSEMBLE_DIR, pythonProblem, runTrainPy } from '../../../training/ensemble/python';
import { CANDLES_DIR, hasCandleData, loadCandles } from '../../helpers/data';

const problem = pythonProblem();
const ci = Boolean(process.env['CI']);
const skip = !hasCandleData || (problem !== null && !ci);
if (problem && !ci)
  console.warn(`SKIPPING the price-ensemble smoke pipeline: ${problem} (CI=true makes this a failure)`);

const SMOKE_CONFIG = join(ENSEMBLE_DIR, 'config.smoke.json');

interface Report {
  metrics: {
    held_out_period: Record<string, { ic: number; rows: number }>;
    unseen_symbols: Record<string, { ic: number }>;
  };
}

describe.skipIf(skip)('price ensemble smoke pipeline (export -> train -> ONNX -> onnxruntime-web)', () => {
  let dir = '';
  let ensemble: PriceEnsemble;
  const work = (name: string): string => join(dir, name);
  const report = (name: string): Report =>
    JSON.parse(readFileSync(join(work(name), 'native', 'report.json'), 'utf8')) as Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-ensemble-smoke-'));
    const config = JSON.parse(readFileSync(SMOKE_CONFIG, 'utf8')) as TrainingConfig;
    exportFeatures(config, CANDLES_DIR, work('data'), () => undefined);
    runTrainPy({
      data: work('data'),
      config: SMOKE_CONFIG,
      out: join(work('main'), 'models'),
      work: join(work('main'), 'native'),
    });
    ensemble = await loadPriceEnsembleFromDir(join(work('main'), 'models'));
  });

  afterAll(async () => {
    await ensemble?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes 12 ONNX models and their parameters', () => {
    const files = readdirSync(join(work('main'), 'models')).sort();
    expect(files.filter((f) => f.endsWith('.onnx'))).toHaveLength(12);
    expect(files).toContain('price-ensemble.json');
    expect(ensemble.params.weights).toEqual({ xgboost: 0.4, hist_gbdt: 0.4, random_forest: 0.2 });
  });

  it('onnxruntime-web matches the Python models on the same rows (relative difference <= 1e-5)', async () => {
    const parity = await checkParity(ensemble, join(work('main'), 'native'));
    expect(parity.rows).toBeGreaterThan(200);
    for (const [model, diff] of Object.entries(parity.maxRelDiff)) expect(diff, model).toBeLessThanOrEqual(1e-5);
  });

  it('no leakage: training on shuffled targets collapses the held-out IC to ~0', () => {
    runTrainPy({
      data: work('data'),
      config: SMOKE_CONFIG,
      out: join(work('shuffled'), 'models'),
      work: join(work('shuffled'), 'native'),
      shuffleTargets: true,
    });
    const m = report('shuffled').metrics.held_out_period;
    // h = 1 and 5 have ~1000 nearly independent held-out rows: |IC| of a signal-free model stays within ~3 sigma
    for (const h of ['1', '5']) {
      const bound = 3 / Math.sqrt(m[h]!.rows / Number(h));
      expect(Math.abs(m[h]!.ic), `h=${h}`).toBeLessThan(Math.max(0.1, bound));
    }
  });

  it('positive control: the same harness finds a planted signal (target injected as a feature)', () => {
    runTrainPy({
      data: work('data'),
      config: SMOKE_CONFIG,
      out: join(work('injected'), 'models'),
      work: join(work('injected'), 'native'),
      injectTarget: true,
    });
    const r = report('injected');
    for (const h of ['1', '5']) {
      expect(r.metrics.held_out_period[h]!.ic, `h=${h}`).toBeGreaterThan(0.8);
      expect(r.metrics.unseen_symbols[h]!.ic, `h=${h}`).toBeGreaterThan(0.8);
    }
  });

  it('refuses a model trained on another feature schema, naming both hashes', async () => {
    const bad = work('bad-hash');
    const src = join(work('main'), 'models');
    rmSync(bad, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bad, { recursive: true });
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(bad, f));
    const params = JSON.parse(readFileSync(join(bad, 'price-ensemble.json'), 'utf8')) as Record<string, unknown>;
    params['feature_schema_hash'] = 'deadbeef';
    writeFileSync(join(bad, 'price-ensemble.json'), JSON.stringify(params));
    const load = loadPriceEnsembleFromDir(bad);
    await expect(load).rejects.toThrow(PriceEnsembleLoadError);
    await expect(loadPriceEnsembleFromDir(bad)).rejects.toThrow(
      /trained on feature schema deadbeef, but this engine's schema is [0-9a-f]{8}/,
    );
  });

  it('predictions at t do not change when candles after t change', async () => {
    const candles = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 1600);
    const t = 1400;
    const changed: Candle[] = candles.map((c, i) =>
      i <= t
        ? c
        : {
            ...c,
            open: c.open * 1.3,
            high: c.high * 1.4,
            low: c.low * 1.2,
            close: c.close * 1.35,
            volume: c.volume * 3,
          },
    );
    const run = async (cs: Candle[]) => {
      const cols = toColumns(cs);
      const m = modelFeatureMatrix(cols);
      return { m, batch: await ensemble.predictBatch(m.values, m.rows, cols.close) };
    };
    const a = await run(candles);
    const b = await run(changed);
    const f = a.m.names.length;
    for (let i = 0; i < (t + 1) * f; i++)
      expect(Object.is(a.m.values[i], b.m.values[i]), `feature value ${i}`).toBe(true);
    let predicted = 0;
    for (const h of PRICE_HORIZONS) {
      for (let r = 0; r <= t; r++) {
        expect(Object.is(a.batch.horizons[h].return[r], b.batch.horizons[h].return[r])).toBe(true);
        expect(Object.is(a.batch.horizons[h].upper[r], b.batch.horizons[h].upper[r])).toBe(true);
        if (a.batch.predictable[r]) predicted++;
      }
      // the change does reach the rows after t
      expect(a.batch.horizons[h].prediction[t + 1]).not.toBe(b.batch.horizons[h].prediction[t + 1]);
    }
    expect(predicted).toBeGreaterThan(4 * 1000);
  });

  it('`candlecast predict` writes the SPEC columns, empty warm-up cells and the ensemble module values', async () => {
    const candles = loadCandles('binance_SOLUSDT_15m_2023-04_2024-04.csv', 700);
    const csv = join(dir, 'sol.csv');
    const out = join(dir, 'sol-predict.csv');
    writeFileSync(csv, formatCandlesCsv(candles));
    expect(await main(['predict', csv, '--out', out, '--models', join(work('main'), 'models')])).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const expected = ['time', 'close'];
    for (const h of PRICE_HORIZONS) {
      expected.push(`pred_${h}`, `ret_${h}`, `lo_${h}`, `hi_${h}`, `conf_${h}`);
      for (const m of ENSEMBLE_MEMBERS) expected.push(`ret_${h}_${m}`);
    }
    expect(header).toEqual(expected);
    expect(lines).toHaveLength(candles.length + 1);
    const cols = toColumns(candles);
    const matrix = modelFeatureMatrix(cols);
    const f = matrix.names.length;
    let warm = 0;
    for (const r of [0, 50, 198, 199, 250, 400, 699]) {
      const cells = lines[r + 1]!.split(',');
      expect(Number(cells[0])).toBe(candles[r]!.time);
      const single = await ensemble.predict(matrix.values.subarray(r * f, (r + 1) * f), { close: candles[r]!.close });
      if (single === null) {
        expect(cells.slice(2).every((c) => c === '')).toBe(true);
        warm++;
        continue;
      }
      PRICE_HORIZONS.forEach((h, k) => {
        const base = 2 + k * 8;
        const p = single[h];
        expect(Number(cells[base])).toBeCloseTo(p.prediction, 9);
        expect(Number(cells[base + 1])).toBeCloseTo(p.return, 12);
        expect(Number(cells[base + 2])).toBeCloseTo(p.lower, 9);
        expect(Number(cells[base + 3])).toBeCloseTo(p.upper, 9);
        expect(Number(cells[base + 4])).toBeCloseTo(p.confidence, 12);
        expect(p.lower).toBeLessThan(p.upper);
        ENSEMBLE_MEMBERS.forEach((m, j) =>
          expect(candles[r]!.close * Math.exp(Number(cells[base + 5 + j]))).toBeCloseTo(p.models[m], 6),
        );
        expect(p.return).toBeCloseTo(
          0.4 * Number(cells[base + 5]) + 0.4 * Number(cells[base + 6]) + 0.2 * Number(cells[base + 7]),
          12,
        );
      });
    }
    expect(warm).toBeGreaterThan(0);
    expect(warm).toBeLessThan(7);
  });

  it('`candlecast predict` rejects bad input with one line and exit code 2', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'time,open,high,low,close,volume\n1,2,1,3,2,5\n');
    const write = process.stderr.write.bind(process.stderr);
    let stderr = '';
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    try {
      expect(await main(['predict', bad, '--models', join(work('main'), 'models')])).toBe(2);
      expect(await main(['predict', join(dir, 'missing.csv')])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^candlecast predict: .*bad\.csv/);
    expect(lines[1]).toMatch(/missing\.csv: no such file/);
  });
});
