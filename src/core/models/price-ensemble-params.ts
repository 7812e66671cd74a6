/**
 * price-ensemble.json: what training/ensemble/train.py writes beside the 12 ONNX models (feature order, schema
 * hash, member weights, volatility scale, and per horizon the model files, confidence calibration and interval
 * quantiles). `parsePriceEnsembleParams` checks the shape and fails with one clear line.
 */
export const PRICE_HORIZONS = ['1', '5', '15', '60'] as const;
export type PriceHorizon = (typeof PRICE_HORIZONS)[number];

export const ENSEMBLE_MEMBERS = ['xgboost', 'hist_gbdt', 'random_forest'] as const;
/** `hist_gbdt` is scikit-learn's HistGradientBoostingRegressor (LightGBM-style), not LightGBM. */
export type EnsembleMember = (typeof ENSEMBLE_MEMBERS)[number];

/** The predictor's output for one horizon (what insights show). */
export interface HorizonPrediction {
  prediction: number;
  return: number;
  lower: number;
  upper: number;
  confidence: number;
  std: number;
  models: Record<EnsembleMember, number>;
}

/** Piecewise-linear, non-decreasing map from signal strength |ret| / vol_h to P(direction right). */
export interface ConfidenceCurve {
  x: readonly number[];
  p: readonly number[];
}

/** Split-conformal quantiles of (actual - ret) / vol_h for the central `coverage` interval. */
export interface IntervalQuantiles {
  coverage: number;
  q_lo: number;
  q_hi: number;
}

/** XGBoost models compute in float32, scikit-learn models in float64 (rows holding float32 feature values). */
export type ModelInputDtype = 'float32' | 'float64';

export interface HorizonParams {
  files: Record<EnsembleMember, string>;
  input_dtypes: Record<EnsembleMember, ModelInputDtype>;
  trees: Record<EnsembleMember, number>;
  confidence: ConfidenceCurve;
  interval: IntervalQuantiles;
}

export interface VolatilityScaleParams {
  /** Per-candle volatility feature (GARCH(1,1) conditional std of the log return). */
  feature: string;
  /** Used while `feature` is still warming up (NaN) or not positive. */
  fallback_feature: string;
  /** Lower bound of the scale. */
  floor: number;
}

export interface PriceEnsembleParams {
  schema: 1;
  version: string;
  created: string;
  feature_schema_hash: string;
  feature_names: readonly string[];
  horizons: readonly PriceHorizon[];
  weights: Record<EnsembleMember, number>;
  input: { name: string; output: string };
  scale: VolatilityScaleParams;
  /** Features allowed to be NaN in a predictable row (those with a long warm-up, e.g. GARCH). */
  optional_prefixes: readonly string[];
  horizon_models: Record<PriceHorizon, HorizonParams>;
}

export class PriceEnsembleLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceEnsembleLoadError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(what: string): never {
  throw new PriceEnsembleLoadError(`price-ensemble.json: ${what}`);
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
    fail(`${what} must be an array of finite numbers`);
  return v as number[];
}

function finite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what} must be a finite number`);
  return v;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') fail(`${what} must be a non-empty string`);
  return v;
}

function dtype(v: unknown, what: string): ModelInputDtype {
  if (v !== 'float32' && v !== 'float64') fail(`${what} must be "float32" or "float64"`);
  return v;
}

function memberRecord<T>(v: unknown, what: string, check: (x: unknown, w: string) => T): Record<EnsembleMember, T> {
  if (!isRecord(v)) fail(`${what} must be an object`);
  const out = {} as Record<EnsembleMember, T>;
  for (const m of ENSEMBLE_MEMBERS) out[m] = check(v[m], `${what}.${m}`);
  return out;
}

function parseHorizon(v: unknown, h: PriceHorizon): HorizonParams {
  if (!isRecord(v)) fail(`horizon_models.${h} is missing`);
  const conf = v['confidence'];
  if (!isRecord(conf)) fail(`horizon_models.${h}.confidence is missing`);
  const x = numbers(conf['x'], `horizon_models.${h}.confidence.x`);
  const p = numbers(conf['p'], `horizon_models.${h}.confidence.p`);
  if (x.length === 0 || x.length !== p.length) fail(`horizon_models.${h}.confidence needs equal, non-empty x and p`);
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!)) fail(`horizon_models.${h}.confidence.x must be strictly increasing`);
    if (p[i]! < p[i - 1]!) fail(`horizon_models.${h}.confidence.p must be non-decreasing`);
  }
  if (p.some((q) => q < 0 || q > 1)) fail(`horizon_models.${h}.confidence.p must lie in [0, 1]`);
  const iv = v['interval'];
  if (!isRecord(iv)) fail(`horizon_models.${h}.interval is missing`);
  const interval = {
    coverage: finite(iv['coverage'], `horizon_models.${h}.interval.coverage`),
    q_lo: finite(iv['q_lo'], `horizon_models.${h}.interval.q_lo`),
    q_hi: finite(iv['q_hi'], `horizon_models.${h}.interval.q_hi`),
  };
  if (interval.q_lo > interval.q_hi) fail(`horizon_models.${h}.interval has q_lo > q_hi`);
  return {
    files: memberRecord(v['files'], `horizon_models.${h}.files`, text),
    input_dtypes: memberRecord(v['input_dtypes'], `horizon_models.${h}.input_dtypes`, dtype),
    trees: memberRecord(v['trees'], `horizon_models.${h}.trees`, finite),
    confidence: { x, p },
    interval,
  };
}

export function parsePriceEnsembleParams(json: unknown): PriceEnsembleParams {
  if (!isRecord(json)) fail('not a JSON object');
  if (json['schema'] !== 1) fail(`unsupported schema ${String(json['schema'])} (expected 1)`);
  const names = json['feature_names'];
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
    fail('feature_names must be an array of strings');
  const horizons = json['horizons'];
  if (!Array.isArray(horizons) || horizons.join(',') !== PRICE_HORIZONS.join(','))
    fail(`horizons must be ${PRICE_HORIZONS.join(',')}`);
  const input = json['input'];
  if (!isRecord(input)) fail('input is missing');
  const scale = json['scale'];
  if (!isRecord(scale)) fail('scale is missing');
  const prefixes = json['optional_prefixes'];
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string'))
    fail('optional_prefixes must be an array of strings');
  const hm = json['horizon_models'];
  if (!isRecord(hm)) fail('horizon_models is missing');
  const horizonModels = {} as Record<PriceHorizon, HorizonParams>;
  for (const h of PRICE_HORIZONS) horizonModels[h] = parseHorizon(hm[h], h);
  return {
    schema: 1,
    version: text(json['version'], 'version'),
    created: text(json['created'], 'created'),
    feature_schema_hash: text(json['feature_schema_hash'], 'feature_schema_hash'),
    feature_names: names as string[],
    horizons: PRICE_HORIZONS,
    weights: memberRecord(json['weights'], 'weights', finite),
    input: { name: text(input['name'], 'input.name'), output: text(input['output'], 'input.output') },
    scale: {
      feature: text(scale['feature'], 'scale.feature'),
      fallback_feature: text(scale['fallback_feature'], 'scale.fallback_feature'),
      floor: finite(scale['floor'], 'scale.floor'),
    },
    optional_prefixes: prefixes as string[],
    horizon_models: horizonModels,
  };
}
