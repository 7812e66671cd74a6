/**
 * The feature registry (SPEC §3): every feature the engine computes, in output-column order.
 *
 * Empty-value convention: inside feature arrays (`FeatureEngine.update`, `computeFeatures`, `modelFeatureMatrix`)
 * `NaN` means "empty" — the feature is still warming up, or it is undefined for this candle. Nothing else
 * is ever non-finite: divisions by a zero range, zero volume or zero variance are given a documented neutral
 * value in each description below (never ±Infinity). CSV output writes empty cells, JSON writes null.
 * `warmup` is the number of leading candles that are empty (the first value appears at index `warmup`);
 * after warm-up a feature is always finite.
 *
 * GARCH(1,1) schedule: returns are log returns of close. The parameters (omega, alpha, beta) are fitted by
 * Gaussian maximum likelihood on the last GARCH_WINDOW (1000) CLOSED returns, i.e. excluding the still-open
 * candle, so replace-updates never trigger or change a fit. The first fit happens at candle index
 * GARCH_WINDOW + 1 (the first candle with 1000 closed returns before it); after that the model is refitted
 * every GARCH_REFIT (1000) candles, warm-started from the previous parameters. After each fit the variance is
 * re-filtered through the fitting window; between fits it is updated every candle by
 * sigma2[t+1] = omega + alpha * r[t]^2 + beta * sigma2[t].
 *
 * `model: true` marks the scale-free subset (ratios, returns, z-scores, bounded oscillators, counts) that
 * models consume; raw prices and volumes are `model: false`.
 */
export type FeatureGroup = 'technical' | 'pattern' | 'market';

export interface FeatureSpec {
  name: string;
  group: FeatureGroup;
  params: Readonly<Record<string, number>>;
  warmup: number;
  model: boolean;
  description: string;
}

/** Bump when any model feature's definition changes (it is part of featureSchemaHash). */
export const FEATURE_SCHEMA_VERSION = 1;

export const GARCH_WINDOW = 1000;
export const GARCH_REFIT = 1000;
/** Trailing window of the volatility-regime percentile rank and the minimum history it needs. */
export const VOL_RANK_WINDOW = 500;
export const VOL_RANK_MIN = 100;

export const MA_PERIODS = [5, 10, 20, 50, 100, 200] as const;
export const LOG_RET_LAGS = [1, 2, 3, 5, 10] as const;
export const LOG_RET_HORIZONS = [3, 5, 10] as const;
export const RSI_PERIODS = [7, 14, 21] as const;
export const MOMENT_WINDOWS = [20, 50] as const;

const specs: FeatureSpec[] = [];
function add(
  group: FeatureGroup,
  name: string,
  params: Record<string, number>,
  warmup: number,
  model: boolean,
  description: string,
): void {
  specs.push({ name, group, params: Object.freeze({ ...params }), warmup, model, description });
}
const T = (name: string, params: Record<string, number>, warmup: number, model: boolean, d: string): void =>
  add('technical', name, params, warmup, model, d);
const P = (name: string, params: Record<string, number>, warmup: number, d: string): void =>
  add('pattern', name, params, warmup, true, d);
const M = (name: string, params: Record<string, number>, warmup: number, model: boolean, d: string): void =>
  add('market', name, params, warmup, model, d);

// ---------------------------------------------------------------- technical
T('ret_1', {}, 1, true, 'Simple return close/prev_close - 1.');
T('log_ret_1', {}, 1, true, 'Log return ln(close/prev_close).');
for (const h of LOG_RET_HORIZONS)
  T(`log_ret_${h}`, { period: h }, h, true, `Log return over ${h} candles ln(close/close[t-${h}]).`);
for (const k of LOG_RET_LAGS) T(`log_ret_lag_${k}`, { lag: k }, 1 + k, true, `log_ret_1 lagged by ${k} candle(s).`);
T('range', {}, 0, false, 'Price range high - low (raw price units).');
T('range_pct', {}, 0, true, 'Range relative to close (high - low)/close.');
T('body', {}, 0, false, 'Candle body close - open (raw price units).');
T('body_pct', {}, 0, true, 'Body relative to open (close - open)/open.');
T('upper_shadow', {}, 0, false, 'Upper shadow high - max(open, close) (raw).');
T('lower_shadow', {}, 0, false, 'Lower shadow min(open, close) - low (raw).');
T('high_low_ratio', {}, 0, true, 'high/low - 1.');
for (const n of MA_PERIODS) T(`sma_${n}`, { period: n }, n - 1, false, `TA-Lib SMA(${n}) of close.`);
for (const n of MA_PERIODS)
  T(
    `ema_${n}`,
    { period: n },
    n - 1,
    false,
    `TA-Lib EMA(${n}) of close (seeded with the SMA of the first ${n} closes, k = 2/(n+1)).`,
  );
for (const n of MA_PERIODS) T(`close_to_sma_${n}`, { period: n }, n - 1, true, `close/sma_${n} - 1.`);
for (const n of MA_PERIODS) T(`close_to_ema_${n}`, { period: n }, n - 1, true, `close/ema_${n} - 1.`);
T('trange', {}, 1, false, 'TA-Lib TRANGE: true range max(high, prev_close) - min(low, prev_close).');
T(
  'atr_14',
  { period: 14 },
  14,
  false,
  'TA-Lib ATR(14): Wilder-smoothed true range, seeded with the mean of the first 14 true ranges.',
);
T('natr_14', { period: 14 }, 14, true, 'TA-Lib NATR(14) = 100 * atr_14 / close.');
T(
  'stddev_20',
  { period: 20, nbdev: 1 },
  19,
  false,
  'TA-Lib STDDEV(20, 1) of close (population standard deviation; 0 when the variance is <= 1e-14).',
);
T('max_high_20', { period: 20 }, 19, false, 'TA-Lib MAX(20) of high.');
T('min_low_20', { period: 20 }, 19, false, 'TA-Lib MIN(20) of low.');
T(
  'donchian_pos_20',
  { period: 20 },
  19,
  true,
  'Position of close in the 20-candle channel (close - min_low)/(max_high - min_low); 0.5 when the channel is flat.',
);
T('dist_high_50', { period: 50 }, 49, true, 'close / (50-candle highest high) - 1.');
T('dist_low_50', { period: 50 }, 49, true, 'close / (50-candle lowest low) - 1.');
T('volume_sma_20', { period: 20 }, 19, false, 'TA-Lib SMA(20) of volume.');
T('volume_ratio_20', { period: 20 }, 19, true, 'volume / volume_sma_20; 1 when the average volume is 0.');
T(
  'volume_z_20',
  { period: 20 },
  19,
  true,
  'Z-score of volume in its trailing 20 candles (population std); 0 when the std is 0.',
);
T('obv', {}, 0, false, 'TA-Lib OBV: on-balance volume, starting at the first volume.');
for (const n of RSI_PERIODS)
  T(
    `rsi_${n}`,
    { period: n },
    n,
    true,
    `TA-Lib RSI(${n}) with Wilder smoothing (unstable period 0); 0 when gains+losses are ~0.`,
  );
T(
  'macd_12_26_9',
  { fast: 12, slow: 26, signal: 9 },
  33,
  false,
  'TA-Lib MACD line EMA12 - EMA26 (fast EMA seeded at the slow start, as TA-Lib does).',
);
T('macd_signal_12_26_9', { fast: 12, slow: 26, signal: 9 }, 33, false, 'TA-Lib MACD signal: EMA9 of the MACD line.');
T('macd_hist_12_26_9', { fast: 12, slow: 26, signal: 9 }, 33, false, 'TA-Lib MACD histogram: MACD - signal.');
T('macd_norm_12_26_9', { fast: 12, slow: 26, signal: 9 }, 33, true, 'macd_12_26_9 / close.');
T('macd_hist_norm_12_26_9', { fast: 12, slow: 26, signal: 9 }, 33, true, 'macd_hist_12_26_9 / close.');
T(
  'stoch_k_14_3',
  { fastk: 14, slowk: 3 },
  17,
  true,
  'TA-Lib STOCH slow %K (fast %K 14, SMA slowing 3; aligned with %D so both start together).',
);
T('stoch_d_14_3_3', { fastk: 14, slowk: 3, slowd: 3 }, 17, true, 'TA-Lib STOCH slow %D: SMA(3) of slow %K.');
T(
  'cci_20',
  { period: 20 },
  19,
  true,
  'TA-Lib CCI(20): (tp - SMA(tp))/(0.015 * mean deviation); 0 when the mean deviation is 0.',
);
T('roc_10', { period: 10 }, 10, true, 'TA-Lib ROC(10) = 100 * (close/close[t-10] - 1).');
T('mom_10', { period: 10 }, 10, false, 'TA-Lib MOM(10) = close - close[t-10] (raw).');
T('willr_14', { period: 14 }, 13, true, 'TA-Lib WILLR(14) in [-100, 0]; 0 when the range is flat.');
T('mfi_14', { period: 14 }, 14, true, 'TA-Lib MFI(14); 0 when the money flow total is < 1 (TA-Lib rule).');
T('adx_14', { period: 14 }, 27, true, 'TA-Lib ADX(14) (Wilder).');
T('plus_di_14', { period: 14 }, 14, true, 'TA-Lib PLUS_DI(14); 0 when the smoothed true range is ~0.');
T('minus_di_14', { period: 14 }, 14, true, 'TA-Lib MINUS_DI(14); 0 when the smoothed true range is ~0.');
T('bb_upper_20_2', { period: 20, nbdev: 2 }, 19, false, 'TA-Lib BBANDS(20, 2, 2, SMA) upper band (population std).');
T('bb_middle_20_2', { period: 20, nbdev: 2 }, 19, false, 'TA-Lib BBANDS middle band = SMA(20).');
T('bb_lower_20_2', { period: 20, nbdev: 2 }, 19, false, 'TA-Lib BBANDS lower band.');
T('bb_width_20_2', { period: 20, nbdev: 2 }, 19, true, '(bb_upper - bb_lower)/bb_middle.');
T(
  'bb_pctb_20_2',
  { period: 20, nbdev: 2 },
  19,
  true,
  '%B = (close - bb_lower)/(bb_upper - bb_lower); 0.5 when the bands are flat.',
);
T('zscore_close_20', { period: 20 }, 19, true, '(close - sma_20)/stddev_20; 0 when the std is 0.');
for (const n of MOMENT_WINDOWS) {
  T(`ret_mean_${n}`, { period: n }, n, true, `Rolling mean of log_ret_1 over ${n} candles.`);
  T(`ret_std_${n}`, { period: n }, n, true, `Rolling population std of log_ret_1 over ${n} candles.`);
  T(
    `ret_skew_${n}`,
    { period: n },
    n,
    true,
    `Rolling skewness (population, m3/m2^1.5) of log_ret_1 over ${n}; 0 when the variance is ~0.`,
  );
  T(
    `ret_kurt_${n}`,
    { period: n },
    n,
    true,
    `Rolling excess kurtosis (m4/m2^2 - 3) of log_ret_1 over ${n}; 0 when the variance is ~0.`,
  );
}
T('ultosc_7_14_28', { p1: 7, p2: 14, p3: 28 }, 28, true, 'TA-Lib ULTOSC(7, 14, 28) ultimate oscillator.');

// ---------------------------------------------------------------- pattern (scale-free candle shape)
P('body_ratio', {}, 0, 'Signed body over range (close - open)/(high - low); 0 for a zero range.');
P('upper_shadow_ratio', {}, 0, 'Upper shadow over range; 0 for a zero range.');
P('lower_shadow_ratio', {}, 0, 'Lower shadow over range; 0 for a zero range.');
P('close_pos', {}, 0, 'Close location in the range (close - low)/(high - low); 0.5 for a zero range.');
P('norm_open', {}, 0, 'Normalized candle: open/close - 1.');
P('norm_high', {}, 0, 'Normalized candle: high/close - 1.');
P('norm_low', {}, 0, 'Normalized candle: low/close - 1.');
P('body_to_atr_14', { period: 14 }, 14, 'Signed body over atr_14; 0 when the ATR is 0.');
P('range_to_atr_14', { period: 14 }, 14, 'Range over atr_14; 0 when the ATR is 0 (a gap candle can exceed 1).');
P('direction', {}, 0, 'Candle direction: +1 close > open, -1 close < open, 0 otherwise.');
P('up_streak', {}, 1, 'Consecutive candles with close > previous close (including this one).');
P('down_streak', {}, 1, 'Consecutive candles with close < previous close (including this one).');
P('bull_streak', {}, 0, 'Consecutive candles with close > open.');
P('bear_streak', {}, 0, 'Consecutive candles with close < open.');
P('gap_pct', {}, 1, 'Opening gap open/prev_close - 1.');
P('inside_bar', {}, 1, '1 when high <= prev_high and low >= prev_low, else 0.');
P('outside_bar', {}, 1, '1 when high > prev_high and low < prev_low, else 0.');
P('hh_ll', {}, 1, '+1 higher high and higher low, -1 lower high and lower low, else 0.');
P('body_growth', {}, 1, '|body| / (|body| + |prev_body|); 0.5 when both bodies are 0.');
P('dir_sum_3', { period: 3 }, 2, 'Sum of direction over the last 3 candles.');
P('dir_sum_5', { period: 5 }, 4, 'Sum of direction over the last 5 candles.');
P('body_ratio_abs_mean_10', { period: 10 }, 9, 'Mean of |body_ratio| over the last 10 candles.');
P('body_ratio_sum_3', { period: 3 }, 2, 'Sum of body_ratio over the last 3 candles.');
P('body_ratio_lag_1', { lag: 1 }, 1, 'body_ratio of the previous candle.');
P('body_ratio_lag_2', { lag: 2 }, 2, 'body_ratio two candles back.');

// ---------------------------------------------------------------- market
M(
  'clv',
  {},
  0,
  true,
  'Close location value ((close - low) - (high - close))/(high - low) in [-1, 1]; 0 for a zero range.',
);
M(
  'vol_imbalance_20',
  { period: 20 },
  19,
  true,
  'Volume imbalance proxy (Chaikin money flow): sum(clv * volume)/sum(volume) over 20; 0 when volume is 0.',
);
M('vol_imbalance_50', { period: 50 }, 49, true, 'Chaikin money flow over 50 candles; 0 when volume is 0.');
M(
  'signed_volume_20',
  { period: 20 },
  20,
  true,
  'Tick-rule imbalance sum(sign(close - prev_close) * volume)/sum(volume) over 20; 0 when volume is 0.',
);
M('ad', {}, 0, false, 'TA-Lib AD: Chaikin accumulation/distribution line (raw volume units).');
M(
  'adosc_3_10',
  { fast: 3, slow: 10 },
  9,
  false,
  'TA-Lib ADOSC(3, 10): EMA3(AD) - EMA10(AD), EMAs seeded with the first AD value.',
);
M('bop', {}, 0, true, 'TA-Lib BOP balance of power (close - open)/(high - low); 0 for a zero range.');
M(
  'buy_pressure_14',
  { period: 14 },
  14,
  true,
  'Buying pressure sum(close - min(low, prev_close))/sum(true range) over 14; 0.5 when the true ranges are 0.',
);
M(
  'force_index_13',
  { period: 13 },
  13,
  true,
  'Normalized force index EMA13(ret_1 * volume)/EMA13(volume) (TA-Lib-style EMAs); 0 when the volume EMA is 0.',
);
M('parkinson_vol_20', { period: 20 }, 19, true, 'Parkinson volatility sqrt(mean(ln(high/low)^2)/(4 ln 2)) over 20.');
M(
  'gk_vol_20',
  { period: 20 },
  19,
  true,
  'Garman-Klass volatility sqrt(mean(0.5 ln(h/l)^2 - (2 ln 2 - 1) ln(c/o)^2)) over 20 (clamped at 0).',
);
M(
  'vol_ratio_20_100',
  { short: 20, long: 100 },
  100,
  true,
  'sqrt(mean r^2 over 20 / mean r^2 over 100) of log returns; 1 when the long mean is 0.',
);
M(
  'vol_rank_500',
  { vol: 20, window: VOL_RANK_WINDOW, min: VOL_RANK_MIN },
  20 + VOL_RANK_MIN - 1,
  true,
  `Percentile rank (mid-rank, in [0, 1]) of ret_std_20 within its trailing ${VOL_RANK_WINDOW} values (at least ${VOL_RANK_MIN}).`,
);
M(
  'vol_regime',
  { vol: 20, window: VOL_RANK_WINDOW, min: VOL_RANK_MIN },
  20 + VOL_RANK_MIN - 1,
  true,
  'Volatility regime from vol_rank_500: -1 low (< 1/3), 0 normal, +1 high (> 2/3).',
);
M(
  'garch_vol',
  { window: GARCH_WINDOW, refit: GARCH_REFIT },
  GARCH_WINDOW + 1,
  true,
  'GARCH(1,1) one-step-ahead conditional std of the log return (see schedule above).',
);
M(
  'garch_vol_ratio',
  { window: GARCH_WINDOW, refit: GARCH_REFIT },
  GARCH_WINDOW + 1,
  true,
  'garch_vol / ret_std_20; 1 when ret_std_20 is 0.',
);
M(
  'garch_persistence',
  { window: GARCH_WINDOW, refit: GARCH_REFIT },
  GARCH_WINDOW + 1,
  true,
  'alpha + beta of the current GARCH(1,1) fit.',
);
M(
  'garch_std_resid',
  { window: GARCH_WINDOW, refit: GARCH_REFIT },
  GARCH_WINDOW + 1,
  true,
  'Standardized residual log_ret_1 / sigma[t] (sigma predicted before this candle).',
);
M(
  'amihud_20',
  { period: 20 },
  20,
  false,
  'Amihud illiquidity: mean of |ret_1|/(close*volume) * 1e6 over the candles with volume > 0 in the last 20; 0 when none.',
);
M(
  'cs_spread_20',
  { period: 20 },
  20,
  true,
  'Corwin-Schultz high-low spread estimate averaged over 20 two-candle pairs (negative estimates set to 0).',
);
M(
  'roll_spread_20',
  { period: 20 },
  21,
  true,
  'Roll spread 2*sqrt(max(0, -cov(r[t], r[t-1]))) of log returns over 20 pairs.',
);
M('zero_volume_frac_20', { period: 20 }, 19, true, 'Fraction of zero-volume candles in the last 20.');
M('flat_frac_20', { period: 20 }, 19, true, 'Fraction of zero-range candles (high == low) in the last 20.');
M(
  'efficiency_ratio_10',
  { period: 10 },
  10,
  true,
  'Kaufman efficiency |close - close[t-10]| / sum|close - prev_close| over 10; 0 when the path length is 0.',
);

export const FEATURES: readonly FeatureSpec[] = Object.freeze(specs.map((s) => Object.freeze(s)));
export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURES.map((f) => f.name));
export const MODEL_FEATURES: readonly FeatureSpec[] = Object.freeze(FEATURES.filter((f) => f.model));
export const MODEL_FEATURE_NAMES: readonly string[] = Object.freeze(MODEL_FEATURES.map((f) => f.name));

/** Index of each feature in FEATURES (and in every output row). */
export const FEATURE_INDEX: ReadonlyMap<string, number> = new Map(FEATURE_NAMES.map((n, i) => [n, i]));
/** For each model feature, its index in FEATURES. */
export const MODEL_FEATURE_INDICES: Int32Array = Int32Array.from(MODEL_FEATURE_NAMES.map((n) => FEATURE_INDEX.get(n)!));

export function featureIndex(name: string): number {
  const i = FEATURE_INDEX.get(name);
  if (i === undefined) throw new Error(`unknown feature "${name}"`);
  return i;
}

/** Int32Array of the FEATURES indices of `names`. */
export function featureIndices(names: readonly string[]): Int32Array {
  return Int32Array.from(names.map(featureIndex));
}

/** FNV-1a (32-bit) hex of the schema version and every model feature's name and parameters, in order. */
export function featureSchemaHash(): string {
  const text = [
    `v${FEATURE_SCHEMA_VERSION}`,
    `garch:${GARCH_WINDOW}/${GARCH_REFIT}`,
    ...MODEL_FEATURES.map(
      (f) =>
        `${f.name}(${Object.entries(f.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')})`,
    ),
  ].join(';');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
