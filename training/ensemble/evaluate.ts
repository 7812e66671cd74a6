/**
 * Scores the shipped runtime (adaptive calibration, shrink, claims, OOD: exactly what `candlecast predict`
 * serves) on candle files, the way the issue-16 acceptance does: per file and horizon, rows scored, 80%
 * coverage over all rows, share of claimed rows, and on claimed rows the IC, the calibration error (10 bins)
 * and the RMSE ratio to the random walk; beside the reversal baseline -ln(close_t / close_{t-5}) on all rows.
 *
 *   tsx training/ensemble/evaluate.ts [--models DIR] FILE.csv ...   (default: the config's foreign files)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toColumns } from '../../src/core/candles/candle';
import { inferTimeframe } from '../../src/core/candles/timeframe';
import { modelFeatureMatrix } from '../../src/core/features';
import { spearman } from '../../src/core/insights/stats';
import { PRICE_HORIZONS, type PriceEnsemble } from '../../src/core/models/price-ensemble';
import { loadPriceEnsembleFromDir } from '../../src/core/models/price-ensemble-node';
import { parseCandlesCsv } from '../../src/feeds/csv';
import { defaultCandlesDir, type TrainingConfig } from './export-features';
import { ENSEMBLE_DIR } from './python';

export interface HorizonScore {
  rows: number;
  coverage_80: number;
  claimed_share: number;
  claimed_ic: number | null;
  claimed_calibration_error: number | null;
  claimed_rmse_ratio: number | null;
  abstain_contract_ok: boolean;
  reversal_ic: number | null;
  /** The reversal baseline's IC on the claimed rows only (the same rows as claimed_ic). */
  reversal_ic_claimed: number | null;
  /** IC of the served return over all scored rows (0 where the horizon abstains). */
  ic_all_rows: number | null;
  ood_rate: number;
}

/** Expected calibration error over `bins` equal-count bins of confidence. */
export function calibrationError(conf: number[], hit: number[], bins = 10): number {
  const order = conf.map((_, i) => i).sort((a, b) => conf[a]! - conf[b]!);
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (part.length === 0) continue;
    const c = part.reduce((s, i) => s + conf[i]!, 0) / part.length;
    const h = part.reduce((s, i) => s + hit[i]!, 0) / part.length;
    total += (part.length / order.length) * Math.abs(c - h);
  }
  return total;
}

export async function evaluateFile(model: PriceEnsemble, path: string): Promise<Record<string, HorizonScore>> {
  const candles = parseCandlesCsv(readFileSync(path, 'utf8'), { source: path });
  const cols = toColumns(candles);
  const timeframe = inferTimeframe(cols.time);
  if (!timeframe) throw new Error(`${path}: unknown timeframe`);
  const m = modelFeatureMatrix(cols);
  const batch = await model.predictSeries(m.values, m.rows, cols.close, timeframe);
  const n = cols.close.length;
  const out: Record<string, HorizonScore> = {};
  for (const h of PRICE_HORIZONS) {
    const k = Number(h);
    const c = batch.horizons[h];
    let rows = 0;
    let covered = 0;
    let oods = 0;
    let contract = true;
    const cp: number[] = [];
    const cy: number[] = [];
    const conf: number[] = [];
    const hit: number[] = [];
    const rev: number[] = [];
    const ry: number[] = [];
    const served: number[] = [];
    const crev: number[] = [];
    let se = 0;
    let seRw = 0;
    for (let r = 5; r + k < n; r++) {
      if (!batch.predictable[r]) continue;
      const y = Math.log(cols.close[r + k]! / cols.close[r]!);
      rows++;
      oods += batch.oodFlag[r]!;
      if (cols.close[r + k]! >= c.lower[r]! && cols.close[r + k]! <= c.upper[r]!) covered++;
      rev.push(-Math.log(cols.close[r]! / cols.close[r - 5]!));
      ry.push(y);
      served.push(c.return[r]!);
      if (c.skill[r] === 1) {
        crev.push(rev[rev.length - 1]!);
        cp.push(c.return[r]!);
        cy.push(y);
        conf.push(c.confidence[r]!);
        hit.push((c.return[r]! > 0 && y > 0) || (c.return[r]! < 0 && y < 0) ? 1 : 0);
        se += (y - c.return[r]!) ** 2;
        seRw += y * y;
      } else if (c.return[r] !== 0 || c.confidence[r] !== 0.5 || c.prediction[r] !== cols.close[r]) contract = false;
    }
    out[h] = {
      rows,
      coverage_80: covered / rows,
      claimed_share: cp.length / rows,
      claimed_ic: cp.length >= 10 ? spearman(cp, cy) : null,
      claimed_calibration_error: cp.length >= 10 ? calibrationError(conf, hit) : null,
      claimed_rmse_ratio: cp.length >= 10 ? Math.sqrt(se / seRw) : null,
      abstain_contract_ok: contract,
      reversal_ic: spearman(rev, ry),
      reversal_ic_claimed: cp.length >= 10 ? spearman(crev, cy) : null,
      ic_all_rows: spearman(served, ry),
      ood_rate: oods / rows,
    };
  }
  return out;
}

export async function evaluateFiles(
  modelDir: string,
  files: string[],
): Promise<Record<string, Record<string, HorizonScore>>> {
  const model = await loadPriceEnsembleFromDir(modelDir);
  const out: Record<string, Record<string, HorizonScore>> = {};
  try {
    for (const f of files) out[f.replace(/^.*\//, '')] = await evaluateFile(model, f);
  } finally {
    await model.dispose();
  }
  return out;
}

export function foreignFiles(config: TrainingConfig, dataDir = defaultCandlesDir()): string[] {
  return config.files.filter((f) => f.role === 'foreign').map((f) => join(dataDir, f.file));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { models: { type: 'string' }, config: { type: 'string', default: join(ENSEMBLE_DIR, 'config.json') } },
    allowPositionals: true,
  });
  const config = JSON.parse(readFileSync(values.config, 'utf8')) as TrainingConfig;
  const files = positionals.length > 0 ? positionals : foreignFiles(config);
  const dir = values.models ?? resolve(ENSEMBLE_DIR, '..', '..', 'public', 'models', 'price-ensemble');
  const result = await evaluateFiles(dir, files);
  console.log(JSON.stringify(result, null, 1));
}
