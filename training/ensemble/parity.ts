/**
 * ONNX parity: onnxruntime-web's outputs against the Python models' own predictions on the same float32 rows.
 * train.py saves the rows (parity_rows.f32) and the native predictions (parity.json) in its work folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENSEMBLE_MEMBERS, PRICE_HORIZONS, type PriceEnsemble } from '../../src/core/models/price-ensemble';

export interface ParityResult {
  rows: number;
  /** Largest relative difference over all rows, per model ("xgboost_h1", ...). */
  maxRelDiff: Record<string, number>;
  worst: number;
}

/** Largest relative difference |a - b| / |b| (a zero reference must be matched exactly); NaN counts as Infinity. */
export function relativeDifferences(ort: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(ort[i]! - ref[i]!);
    const d = diff === 0 ? 0 : diff / Math.abs(ref[i]!);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

export async function checkParity(ensemble: PriceEnsemble, workDir: string): Promise<ParityResult> {
  const meta = JSON.parse(readFileSync(join(workDir, 'parity.json'), 'utf8')) as {
    rows: number;
    features: number;
    predictions: Record<string, number[]>;
  };
  if (meta.features !== ensemble.featureCount)
    throw new Error(`parity rows have ${meta.features} features, ensemble ${ensemble.featureCount}`);
  const buf = readFileSync(join(workDir, 'parity_rows.f32'));
  const rows = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const out = await ensemble.runAll(rows, meta.rows);
  const maxRelDiff: Record<string, number> = {};
  let worst = 0;
  for (const h of PRICE_HORIZONS) {
    for (const m of ENSEMBLE_MEMBERS) {
      const key = `${m}_h${h}`;
      const ref = meta.predictions[key];
      if (!ref || ref.length !== meta.rows) throw new Error(`parity.json lacks ${meta.rows} predictions for ${key}`);
      maxRelDiff[key] = relativeDifferences(out[h][m], ref);
      worst = Math.max(worst, maxRelDiff[key]);
    }
  }
  return { rows: meta.rows, maxRelDiff, worst };
}
