/**
 * price-ensemble.json: what training/ensemble/train.py writes beside the 12 ONNX models (input order, schema
 * hash, member weights, per (timeframe, horizon) shrink and claim, the OOD reference, and per horizon the model
 * files, confidence calibration and interval quantiles). `parsePriceEnsembleParams` checks the shape and fails with one clear line.
 */
export const PRICE_HORIZONS = ['1', '5', '15', '60'] as const;
export type PriceHorizon = (typeof PRICE_HORIZONS)[number];

export const ENSEMBLE_MEMBERS = ['xgboost', 'hist_gbdt', 'random_forest'] as const;
/** `hist_gbdt` is scikit-learn's HistGradientBoostingRegressor (LightGBM-style), not LightGBM. */
export type EnsembleMember = (typeof ENSEMBLE_MEMBERS)[number];

/**
 * Why a horizon abstains: no proven edge at this (timeframe, horizon), a timeframe the walk-forward never
 * tested, an out-of-distribution stream, or a forecast of exactly no move (a claimed horizon whose prior and
 * trees give 0: no direction to be right about, e.g. the close equals the close 5 candles earlier).
 */
export type AbstainReason = 'no_edge' | 'untested_timeframe' | 'out_of_distribution' | 'no_direction';

/** The predictor's output for one horizon (what insights show). */
export interface HorizonPrediction {
  prediction: number;
  return: number;
  lower: number;
  upper: number;
  confidence: number;
  std: number;
  models: Record<EnsembleMember, number>;
  /** True where the model claims skill for this candle; false = abstention (return 0, confidence 0.5). */
  skill: boolean;
  /** Why it abstains (null when it claims). */
  abstain_reason: AbstainReason | null;
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
  /** Confidence of a claimed prediction, on |return| / vol_h (fitted on out-of-fold predictions). */
  confidence: ConfidenceCurve;
  /** Residual quantiles (z units) around a claimed prediction. */
  interval: IntervalQuantiles;
  /** Quantiles of the realized z itself: the interval around an abstained (zero) prediction. */
  interval_zero: IntervalQuantiles;
}

/** FreqAI-style dissimilarity index of the inputs (see price-ood.ts and training/ensemble/ood.py). */
export interface OodParams {
  features: readonly string[];
  center: readonly number[];
  scale: readonly number[];
  /** Reference points, standardized, row-major [points x features]. */
  sample: readonly number[];
  mean_pairwise: number;
  threshold: number;
  quantile: number;
  /** The range of the volatility level (price-ood.ts `volatilityLevel`) the training rows span, with a margin. */
  volatility: { min: number; max: number };
}

export interface PriceEnsembleParams {
  schema: 2;
  version: string;
  created: string;
  /** priceInputSchemaHash() of the inputs the models were trained on. */
  feature_schema_hash: string;
  feature_names: readonly string[];
  horizons: readonly PriceHorizon[];
  weights: Record<EnsembleMember, number>;
  input: { name: string; output: string };
  /** Inputs allowed to be NaN in a predictable row (long warm-up). */
  optional_inputs: readonly string[];
  /** Per timeframe ("1m", ...) and horizon: the factor from the ensemble's z to the expected z (shrink to skill). */
  shrink: Readonly<Record<string, Readonly<Partial<Record<PriceHorizon, number>>>>>;
  /** Per timeframe and horizon: weight of the reversal input -r5_z sqrt(5/h) in the served z (stacked on OOF). */
  reversal_weight: Readonly<Record<string, Readonly<Partial<Record<PriceHorizon, number>>>>>;
  /** Per timeframe and horizon: true where the walk-forward evaluation proved directional skill. */
  claims: Readonly<Record<string, Readonly<Partial<Record<PriceHorizon, boolean>>>>>;
  ood: OodParams;
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

function quantiles(v: unknown, what: string): IntervalQuantiles {
  if (!isRecord(v)) fail(`${what} is missing`);
  const q = {
    coverage: finite(v['coverage'], `${what}.coverage`),
    q_lo: finite(v['q_lo'], `${what}.q_lo`),
    q_hi: finite(v['q_hi'], `${what}.q_hi`),
  };
  if (q.q_lo > q.q_hi) fail(`${what} has q_lo > q_hi`);
  return q;
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
  return {
    files: memberRecord(v['files'], `horizon_models.${h}.files`, text),
    input_dtypes: memberRecord(v['input_dtypes'], `horizon_models.${h}.input_dtypes`, dtype),
    trees: memberRecord(v['trees'], `horizon_models.${h}.trees`, finite),
    confidence: { x, p },
    interval: quantiles(v['interval'], `horizon_models.${h}.interval`),
    interval_zero: quantiles(v['interval_zero'], `horizon_models.${h}.interval_zero`),
  };
}

function perTimeframe<T>(
  v: unknown,
  what: string,
  check: (x: unknown, w: string) => T,
): Record<string, Partial<Record<PriceHorizon, T>>> {
  if (!isRecord(v)) fail(`${what} must be an object`);
  const out: Record<string, Partial<Record<PriceHorizon, T>>> = {};
  for (const [tf, row] of Object.entries(v)) {
    if (!isRecord(row)) fail(`${what}.${tf} must be an object`);
    out[tf] = {};
    for (const h of PRICE_HORIZONS) if (row[h] !== undefined) out[tf][h] = check(row[h], `${what}.${tf}.${h}`);
  }
  return out;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') fail(`${what} must be true or false`);
  return v;
}

function parseOod(v: unknown): OodParams {
  if (!isRecord(v)) fail('ood is missing');
  const features = v['features'];
  if (!Array.isArray(features) || features.length === 0 || features.some((f) => typeof f !== 'string'))
    fail('ood.features must be a non-empty array of strings');
  const d = features.length;
  const center = numbers(v['center'], 'ood.center');
  const scale = numbers(v['scale'], 'ood.scale');
  const sample = numbers(v['sample'], 'ood.sample');
  if (center.length !== d || scale.length !== d) fail('ood.center and ood.scale need one value per feature');
  if (scale.some((x) => !(x > 0))) fail('ood.scale must be positive');
  if (sample.length === 0 || sample.length % d !== 0) fail('ood.sample must hold whole points');
  const meanPairwise = finite(v['mean_pairwise'], 'ood.mean_pairwise');
  if (!(meanPairwise > 0)) fail('ood.mean_pairwise must be positive');
  const vol = v['volatility'];
  if (!isRecord(vol)) fail('ood.volatility is missing (retrain with npm run train:ensemble)');
  const volatility = { min: finite(vol['min'], 'ood.volatility.min'), max: finite(vol['max'], 'ood.volatility.max') };
  if (!(volatility.min < volatility.max)) fail('ood.volatility.min must be below ood.volatility.max');
  return {
    features: features as string[],
    center,
    scale,
    sample,
    mean_pairwise: meanPairwise,
    threshold: finite(v['threshold'], 'ood.threshold'),
    quantile: finite(v['quantile'], 'ood.quantile'),
    volatility,
  };
}

export function parsePriceEnsembleParams(json: unknown): PriceEnsembleParams {
  if (!isRecord(json)) fail('not a JSON object');
  if (json['schema'] !== 2)
    fail(`unsupported schema ${String(json['schema'])} (expected 2; retrain with npm run train:ensemble)`);
  const names = json['feature_names'];
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
    fail('feature_names must be an array of strings');
  const horizons = json['horizons'];
  if (!Array.isArray(horizons) || horizons.join(',') !== PRICE_HORIZONS.join(','))
    fail(`horizons must be ${PRICE_HORIZONS.join(',')}`);
  const input = json['input'];
  if (!isRecord(input)) fail('input is missing');
  const optional = json['optional_inputs'];
  if (!Array.isArray(optional) || optional.some((p) => typeof p !== 'string'))
    fail('optional_inputs must be an array of strings');
  const hm = json['horizon_models'];
  if (!isRecord(hm)) fail('horizon_models is missing');
  const horizonModels = {} as Record<PriceHorizon, HorizonParams>;
  for (const h of PRICE_HORIZONS) horizonModels[h] = parseHorizon(hm[h], h);
  return {
    schema: 2,
    version: text(json['version'], 'version'),
    created: text(json['created'], 'created'),
    feature_schema_hash: text(json['feature_schema_hash'], 'feature_schema_hash'),
    feature_names: names as string[],
    horizons: PRICE_HORIZONS,
    weights: memberRecord(json['weights'], 'weights', finite),
    input: { name: text(input['name'], 'input.name'), output: text(input['output'], 'input.output') },
    optional_inputs: optional as string[],
    shrink: perTimeframe(json['shrink'], 'shrink', finite),
    reversal_weight: perTimeframe(json['reversal_weight'], 'reversal_weight', finite),
    claims: perTimeframe(json['claims'], 'claims', bool),
    ood: parseOod(json['ood']),
    horizon_models: horizonModels,
  };
}
