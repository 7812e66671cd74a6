/**
 * The price ensemble's model inputs: a compact, scale-free vector derived from the engine's model features
 * (MODEL_FEATURE_NAMES order) and the stream's timeframe. Training (training/ensemble/export-features.ts), the
 * CLI (batch) and the worker (streaming) all call `priceInputs`, so serving computes exactly what training saw.
 *
 * Every input is causal (engine features at candle t use candles <= t) and free of price level: returns are
 * divided by the per-candle volatility `sigma` (GARCH(1,1) vol, or ret_std_50 during the GARCH warm-up) times
 * sqrt(window), so a z-score of a move means the same on BTC 1m, DOGE 1h and EUR/USD 1m. The timeframe enters
 * as log2(minutes). The groups follow what generalises across markets: short-term reversal over several lags
 * (r1..r10, lag1/lag2), close location (close_pos, clv, shadows), volume-signed moves (signed_volume_20,
 * vol_imbalance_*, bop), distance to means (sma/ema z), and volatility regime (vol ratios), plus the
 * no-trading fractions that let the OOD score notice halted or synthetic streams.
 */
import { featureSchemaHash, MODEL_FEATURE_NAMES } from '../features/registry';

/** Bump when an input's definition changes (part of priceInputSchemaHash). */
export const PRICE_INPUT_VERSION = 1;
/** Lower bound of the per-candle volatility used to scale returns. */
export const SIGMA_FLOOR = 1e-5;

const F = (name: string): number => {
  const i = MODEL_FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`price inputs: engine has no model feature "${name}"`);
  return i;
};

const I = {
  garch: F('garch_vol'),
  std50: F('ret_std_50'),
  std20: F('ret_std_20'),
  r1: F('log_ret_1'),
  r3: F('log_ret_3'),
  r5: F('log_ret_5'),
  r10: F('log_ret_10'),
  lag1: F('log_ret_lag_1'),
  lag2: F('log_ret_lag_2'),
  sma20: F('close_to_sma_20'),
  sma50: F('close_to_sma_50'),
  sma200: F('close_to_sma_200'),
  ema10: F('close_to_ema_10'),
  mean50: F('ret_mean_50'),
  closePos: F('close_pos'),
  clv: F('clv'),
  body: F('body_ratio'),
  upper: F('upper_shadow_ratio'),
  lower: F('lower_shadow_ratio'),
  signed20: F('signed_volume_20'),
  vimb20: F('vol_imbalance_20'),
  vimb50: F('vol_imbalance_50'),
  bop: F('bop'),
  volZ: F('volume_z_20'),
  volRatio: F('volume_ratio_20'),
  rsi7: F('rsi_7'),
  rsi14: F('rsi_14'),
  pctb: F('bb_pctb_20_2'),
  donchian: F('donchian_pos_20'),
  stoch: F('stoch_k_14_3'),
  mfi: F('mfi_14'),
  park: F('parkinson_vol_20'),
  range: F('range_pct'),
  vr20100: F('vol_ratio_20_100'),
  volRank: F('vol_rank_500'),
  eff: F('efficiency_ratio_10'),
  skew20: F('ret_skew_20'),
  zeroVol: F('zero_volume_frac_20'),
  flat: F('flat_frac_20'),
} as const;

/** Input names in model order. `tf_log2_min` is log2 of the timeframe in minutes. */
export const PRICE_INPUT_NAMES = [
  'tf_log2_min',
  'r1_z',
  'r3_z',
  'r5_z',
  'r10_z',
  'lag1_z',
  'lag2_z',
  'sma20_z',
  'sma50_z',
  'sma200_z',
  'ema10_z',
  'trend50_t',
  'close_pos',
  'clv',
  'body_ratio',
  'upper_shadow_ratio',
  'lower_shadow_ratio',
  'signed_volume_20',
  'vol_imbalance_20',
  'vol_imbalance_50',
  'bop',
  'volume_z_20',
  'log_volume_ratio_20',
  'rsi_7',
  'rsi_14',
  'bb_pctb_20_2',
  'donchian_pos_20',
  'stoch_k_14_3',
  'mfi_14',
  'park_to_sigma',
  'range_to_sigma',
  'std20_to_sigma',
  'vol_ratio_20_100',
  'vol_rank_500',
  'efficiency_ratio_10',
  'ret_skew_20',
  'zero_volume_frac_20',
  'flat_frac_20',
] as const;
export type PriceInputName = (typeof PRICE_INPUT_NAMES)[number];
export const PRICE_INPUT_COUNT = PRICE_INPUT_NAMES.length;
/** Inputs allowed to be missing in a predictable row (long warm-up); the trees route NaN. */
export const OPTIONAL_PRICE_INPUTS: readonly PriceInputName[] = ['vol_rank_500', 'sma200_z'];

/** Hash of the engine's feature schema, the input version and the input names; models store it. */
export function priceInputSchemaHash(): string {
  const text = [
    featureSchemaHash(),
    `inputs-v${PRICE_INPUT_VERSION}`,
    `floor:${SIGMA_FLOOR}`,
    ...PRICE_INPUT_NAMES,
  ].join(';');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Per-candle volatility of a feature row: GARCH vol if finite and > 0, else ret_std_50, floored; NaN if neither. */
export function sigmaOf(features: ArrayLike<number>, offset = 0): number {
  const g = features[offset + I.garch]!;
  const s = Number.isFinite(g) && g > 0 ? g : features[offset + I.std50]!;
  return Number.isFinite(s) ? Math.max(s, SIGMA_FLOOR) : NaN;
}

/**
 * Writes the inputs of one candle to `out[outOffset ..]` from its model-feature row `features[offset ..]`.
 * Missing engine values stay NaN (the row is then in warm-up unless the input is optional).
 */
export function priceInputs(
  features: ArrayLike<number>,
  offset: number,
  tfMinutes: number,
  out: { [i: number]: number },
  outOffset = 0,
): void {
  const f = (i: number): number => features[offset + i]!;
  const s = sigmaOf(features, offset);
  const z = (v: number, n: number): number => v / (s * Math.sqrt(n));
  let k = outOffset;
  out[k++] = Math.log2(tfMinutes);
  out[k++] = z(f(I.r1), 1);
  out[k++] = z(f(I.r3), 3);
  out[k++] = z(f(I.r5), 5);
  out[k++] = z(f(I.r10), 10);
  out[k++] = z(f(I.lag1), 1);
  out[k++] = z(f(I.lag2), 1);
  out[k++] = z(f(I.sma20), 10);
  out[k++] = z(f(I.sma50), 25);
  out[k++] = z(f(I.sma200), 100);
  out[k++] = z(f(I.ema10), 5);
  out[k++] = (f(I.mean50) * Math.sqrt(50)) / s;
  out[k++] = f(I.closePos);
  out[k++] = f(I.clv);
  out[k++] = f(I.body);
  out[k++] = f(I.upper);
  out[k++] = f(I.lower);
  out[k++] = f(I.signed20);
  out[k++] = f(I.vimb20);
  out[k++] = f(I.vimb50);
  out[k++] = f(I.bop);
  out[k++] = f(I.volZ);
  const vr = f(I.volRatio);
  out[k++] = Number.isFinite(vr) ? Math.log(Math.max(vr, 1e-3)) : NaN;
  out[k++] = f(I.rsi7);
  out[k++] = f(I.rsi14);
  out[k++] = f(I.pctb);
  out[k++] = f(I.donchian);
  out[k++] = f(I.stoch);
  out[k++] = f(I.mfi);
  out[k++] = f(I.park) / s;
  out[k++] = f(I.range) / s;
  out[k++] = f(I.std20) / s;
  out[k++] = f(I.vr20100);
  out[k++] = f(I.volRank);
  out[k++] = f(I.eff);
  out[k++] = f(I.skew20);
  out[k++] = f(I.zeroVol);
  out[k] = f(I.flat);
}

/** Inputs of `rows` candles from a row-major model-feature matrix, as float32 (what the models take). */
export function priceInputMatrix(features: ArrayLike<number>, rows: number, tfMinutes: number): Float32Array {
  const nf = MODEL_FEATURE_NAMES.length;
  if (features.length !== rows * nf) throw new Error(`price inputs: expected ${rows} x ${nf} feature values`);
  const out = new Float32Array(rows * PRICE_INPUT_COUNT);
  for (let r = 0; r < rows; r++) priceInputs(features, r * nf, tfMinutes, out, r * PRICE_INPUT_COUNT);
  return out;
}

/**
 * ln(close_t / close_t-5) of a feature row, in full precision: the reversal prior's input. (The model input r5_z
 * is the same number over sigma sqrt(5), but in float32; serving the prior from this keeps its ranking exactly that
 * of the reversal baseline -ln(close_t / close_t-5), ties included.)
 */
export function logReturn5Of(features: ArrayLike<number>, offset = 0): number {
  return features[offset + I.r5]!;
}

/** One per-row value (`of(features, offset)`) for every row of a model-feature matrix. */
function columnOf(
  features: ArrayLike<number>,
  rows: number,
  of: (features: ArrayLike<number>, offset: number) => number,
): Float64Array {
  const nf = MODEL_FEATURE_NAMES.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = of(features, r * nf);
  return out;
}

/** logReturn5Of of every row of a model-feature matrix. */
export function logReturn5Column(features: ArrayLike<number>, rows: number): Float64Array {
  return columnOf(features, rows, logReturn5Of);
}

/** Per-candle volatility of every row of a model-feature matrix. */
export function sigmaColumn(features: ArrayLike<number>, rows: number): Float64Array {
  return columnOf(features, rows, sigmaOf);
}
