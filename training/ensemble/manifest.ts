/**
 * Writes the price ensemble's entry `models.price_ensemble` of public/models/manifest.json (SPEC §5). The file
 * is shared with the pattern CNN: read, replace only this key, write atomically.
 */
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sha256Node } from '../../src/core/models/integrity-node';
import type { ParityResult } from './parity';

export const MANIFEST_KEY = 'price_ensemble';

export interface BackendCheck {
  backend: string;
  runtime: string;
  parity_rows: number;
  parity_max_rel_diff: number;
  checked: string;
}

/** Builds the entry from train.py's report (work/report.json), the artifact folder and the parity check. */
export function manifestEntry(
  report: Record<string, unknown>,
  modelDir: string,
  dirInModels: string,
  checks: BackendCheck[],
): Record<string, unknown> {
  const files = readdirSync(modelDir)
    .filter((f) => f.endsWith('.onnx') || f.endsWith('.json'))
    .sort()
    .map((f) => {
      const bytes = readFileSync(join(modelDir, f));
      // The app refuses an artifact whose size or SHA-256 differs from these.
      return { file: `${dirInModels}/${f}`, bytes: bytes.byteLength, sha256: sha256Node(bytes) };
    });
  return {
    kind: 'tree ensemble (ONNX ai.onnx.ml TreeEnsembleRegressor) for onnxruntime-web',
    version: report['version'],
    created: report['created'],
    artifacts: files,
    params: `${dirInModels}/price-ensemble.json`,
    feature_schema_hash: report['feature_schema_hash'],
    feature_names: report['feature_names'],
    horizons: report['horizons'],
    target:
      'members: the residual z - b rev of z = ln(close[t+h] / close[t]) / (sigma_t sqrt(h)) after the reversal prior rev = -r5_z sqrt(5/h); served return = (shrink[timeframe][h] * z_members + reversal_weight[timeframe][h] * rev) * sigma_t sqrt(h) = shrink * z_members * sigma_t sqrt(h) - reversal_weight * ln(close_t / close_t-5), or 0 when abstaining',
    claims: report['claims'],
    shrink: report['shrink'],
    reversal_weight: report['reversal_weight'],
    ood: report['ood'],
    folds: report['folds'],
    member_weights: report['weights'],
    members: {
      xgboost: 'XGBoost 1.7 gradient-boosted trees (python3-xgboost)',
      hist_gbdt: 'scikit-learn 1.2 HistGradientBoostingRegressor: a LightGBM-style histogram GBDT (not LightGBM)',
      random_forest: 'scikit-learn 1.2 RandomForestRegressor (NaN routed like the training-median imputation)',
    },
    training_data: report['training_data'],
    split_note: report['split_note'],
    metrics: report['metrics'],
    metric_definitions: {
      walk_forward:
        'per timeframe and horizon: model, reversal -ln(c_t/c_{t-5}), momentum ln(c_t/c_{t-h}) and zero-return baselines; each metric is the mean over folds with >= claim.min_fold_rows rows',
      ic: 'Spearman rank correlation of the served (or, for a baseline, its own) predicted log return vs the realized one within a fold; none where the served forecast is 0 on every row',
      trees_weighted:
        'whether the members carry weight (shrink > 0): only where the prior plus the members has IC >= the prior alone in >= claim.min_fold_share of the folds; elsewhere the forecast is the reversal prior',
      ic_t: 'mean IC / (standard deviation of the fold ICs / sqrt(folds))',
      ic_positive_share: 'share of folds with IC > 0',
      hit_rate: 'fraction of rows whose predicted direction is right (an unchanged close counts as wrong)',
      rmse_ratio: 'RMSE of the shrunk predicted log return / RMSE of the random walk (0)',
      mae_ratio: 'MAE of the predicted close / MAE of the random walk (close_t), both relative to close_t',
      coverage_80: 'fraction of realized closes inside the 80% interval (static calibration, no adaptation)',
      calibration_error: 'expected calibration error of conf_h over 10 equal-count bins',
      foreign:
        'files never trained on (other venues, FX), scored with the shipped fit and static calibration (train.py)',
      foreign_adaptive:
        'the same files through the shipped runtime (adaptive calibration, claims, OOD) exactly as candlecast predict serves them (evaluate.ts)',
    },
    backends_checked: checks.map(
      (c) =>
        `${c.runtime}: parity with the Python models, max relative difference ${c.parity_max_rel_diff.toExponential(1)} on ${c.parity_rows} rows`,
    ),
    backend_checks: checks,
    train_seconds: report['train_seconds'],
  };
}

export function updateManifest(manifestPath: string, entry: Record<string, unknown>): void {
  let manifest: { schema: number; models: Record<string, unknown> } = { schema: 1, models: {} };
  if (existsSync(manifestPath)) {
    const parsed = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      schema?: number;
      models?: Record<string, unknown>;
    };
    manifest = { ...parsed, schema: parsed.schema ?? 1, models: parsed.models ?? {} };
  }
  manifest.models[MANIFEST_KEY] = entry;
  const tmp = `${manifestPath}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, manifestPath);
}

export function parityCheck(result: ParityResult, runtime: string): BackendCheck {
  return {
    backend: 'wasm',
    runtime,
    parity_rows: result.rows,
    parity_max_rel_diff: result.worst,
    checked: new Date().toISOString(),
  };
}

export function modelsDirName(dir: string): string {
  return basename(dir);
}
