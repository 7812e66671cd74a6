import { TA_EPSILON } from '../indicators/ta-util';
import { rollingSumBatch } from '../indicators/rolling-sum';
import { LOG_RET_HORIZONS, LOG_RET_LAGS, featureIndex as fi, featureIndices as indices } from '../registry';
import { type BatchContext, ratio as ratioFn } from './context';

/**
 * Batch candle geometry, returns and lags, and multi-candle sequences: the same expressions as the
 * streaming engine's geometry(), returnsAndLags() and sequences(), one loop per group of columns.
 */

const ratio = ratioFn; // local alias: keeps the hot loops free of module-binding getters
const EPS = TA_EPSILON;
const HORIZONS = LOG_RET_HORIZONS.slice();
const LAGS = LOG_RET_LAGS.slice();

const I_RANGE = fi('range');
const I_RANGE_PCT = fi('range_pct');
const I_BODY = fi('body');
const I_BODY_PCT = fi('body_pct');
const I_UPPER = fi('upper_shadow');
const I_LOWER = fi('lower_shadow');
const I_HL_RATIO = fi('high_low_ratio');
const I_BODY_RATIO = fi('body_ratio');
const I_USR = fi('upper_shadow_ratio');
const I_LSR = fi('lower_shadow_ratio');
const I_CLOSE_POS = fi('close_pos');
const I_NOPEN = fi('norm_open');
const I_NHIGH = fi('norm_high');
const I_NLOW = fi('norm_low');
const I_DIR = fi('direction');
const I_BULLSTREAK = fi('bull_streak');
const I_BEARSTREAK = fi('bear_streak');
const I_CLV = fi('clv');
const I_BOP = fi('bop');
const I_RET1 = fi('ret_1');
const I_LOGRET1 = fi('log_ret_1');
const I_LOGRET_H = indices(LOG_RET_HORIZONS.map((h) => `log_ret_${h}`));
const I_LAG = indices(LOG_RET_LAGS.map((k) => `log_ret_lag_${k}`));
const I_UPSTREAK = fi('up_streak');
const I_DOWNSTREAK = fi('down_streak');
const I_GAP = fi('gap_pct');
const I_INSIDE = fi('inside_bar');
const I_OUTSIDE = fi('outside_bar');
const I_HHLL = fi('hh_ll');
const I_BGROWTH = fi('body_growth');
const I_BRLAG1 = fi('body_ratio_lag_1');
const I_BRLAG2 = fi('body_ratio_lag_2');
const I_DIRSUM3 = fi('dir_sum_3');
const I_DIRSUM5 = fi('dir_sum_5');
const I_BRABS10 = fi('body_ratio_abs_mean_10');
const I_BRSUM3 = fi('body_ratio_sum_3');

/** range, body, shadows, their ratios, direction and bull/bear streaks, clv, bop. */
export function candleGeometry(ctx: BatchContext): void {
  const { open, high, low, close, rows } = ctx;
  const rangeCol = ctx.col(I_RANGE);
  const rangePct = ctx.col(I_RANGE_PCT);
  const bodyCol = ctx.col(I_BODY);
  const bodyPct = ctx.col(I_BODY_PCT);
  const upperCol = ctx.col(I_UPPER);
  const lowerCol = ctx.col(I_LOWER);
  const hlRatio = ctx.col(I_HL_RATIO);
  for (let t = 0; t < rows; t++) {
    const o = open[t]!;
    const h = high[t]!;
    const l = low[t]!;
    const c = close[t]!;
    const range = h - l;
    const body = c - o;
    rangeCol[t] = range;
    rangePct[t] = range / c;
    bodyCol[t] = body;
    bodyPct[t] = body / o;
    upperCol[t] = h - (o > c ? o : c);
    lowerCol[t] = (o < c ? o : c) - l;
    hlRatio[t] = h / l - 1;
  }
  const bodyRatioCol = ctx.col(I_BODY_RATIO);
  const usr = ctx.col(I_USR);
  const lsr = ctx.col(I_LSR);
  const closePos = ctx.col(I_CLOSE_POS);
  const clvCol = ctx.col(I_CLV);
  const bop = ctx.col(I_BOP);
  for (let t = 0; t < rows; t++) {
    const o = open[t]!;
    const h = high[t]!;
    const l = low[t]!;
    const c = close[t]!;
    const range = h - l;
    const body = c - o;
    const top = o > c ? o : c;
    const bot = o < c ? o : c;
    bodyRatioCol[t] = ratio(body, range, 0);
    usr[t] = ratio(h - top, range, 0);
    lsr[t] = ratio(bot - l, range, 0);
    closePos[t] = ratio(c - l, range, 0.5);
    clvCol[t] = ratio(c - l - (h - c), range, 0);
    bop[t] = range < EPS ? 0 : body / range;
  }
  const nOpen = ctx.col(I_NOPEN);
  const nHigh = ctx.col(I_NHIGH);
  const nLow = ctx.col(I_NLOW);
  for (let t = 0; t < rows; t++) {
    const c = close[t]!;
    nOpen[t] = open[t]! / c - 1;
    nHigh[t] = high[t]! / c - 1;
    nLow[t] = low[t]! / c - 1;
  }
  const dirCol = ctx.col(I_DIR);
  const bull = ctx.col(I_BULLSTREAK);
  const bear = ctx.col(I_BEARSTREAK);
  let pBull = 0;
  let pBear = 0;
  for (let t = 0; t < rows; t++) {
    const body = close[t]! - open[t]!;
    const dir = body > 0 ? 1 : body < 0 ? -1 : 0;
    dirCol[t] = dir;
    pBull = dir > 0 ? (t === 0 ? 0 : pBull) + 1 : 0;
    pBear = dir < 0 ? (t === 0 ? 0 : pBear) + 1 : 0;
    bull[t] = pBull;
    bear[t] = pBear;
  }
}

/** log_ret_1's values: NaN, then ln(close[t] / close[t - 1]). */
export function logReturns(close: Float64Array, out: Float64Array): void {
  if (close.length === 0) return;
  out[0] = NaN;
  for (let t = 1; t < close.length; t++) out[t] = Math.log(close[t]! / close[t - 1]!);
}

/** Returns, log returns over horizons and their lags, up/down streaks, gaps, bar relations, body lags. */
export function returnsAndLags(ctx: BatchContext): void {
  const { open, high, low, close, rows } = ctx;
  if (rows === 0) return;
  const ret1 = ctx.col(I_RET1);
  const logRet = ctx.col(I_LOGRET1);
  ret1[0] = NaN;
  for (let t = 1; t < rows; t++) ret1[t] = close[t]! / close[t - 1]! - 1;
  logReturns(close, logRet);
  for (let j = 0; j < HORIZONS.length; j++) {
    const hz = HORIZONS[j]!;
    const out = ctx.col(I_LOGRET_H[j]!);
    out.fill(NaN, 0, Math.min(rows, hz));
    for (let t = hz; t < rows; t++) out[t] = Math.log(close[t]! / close[t - hz]!);
  }
  for (let j = 0; j < LAGS.length; j++) {
    const k = LAGS[j]!;
    const out = ctx.col(I_LAG[j]!);
    out.fill(NaN, 0, Math.min(rows, k + 1));
    if (rows > k + 1) out.set(logRet.subarray(1, rows - k), k + 1);
  }
  const up = ctx.col(I_UPSTREAK);
  const down = ctx.col(I_DOWNSTREAK);
  const gap = ctx.col(I_GAP);
  up[0] = down[0] = gap[0] = NaN;
  let pUp = 0;
  let pDown = 0;
  for (let t = 1; t < rows; t++) {
    const c = close[t]!;
    const pC = close[t - 1]!;
    pUp = c > pC ? (t === 1 ? 0 : pUp) + 1 : 0;
    pDown = c < pC ? (t === 1 ? 0 : pDown) + 1 : 0;
    up[t] = pUp;
    down[t] = pDown;
    gap[t] = open[t]! / pC - 1;
  }
  const inside = ctx.col(I_INSIDE);
  const outside = ctx.col(I_OUTSIDE);
  const hhll = ctx.col(I_HHLL);
  inside[0] = outside[0] = hhll[0] = NaN;
  for (let t = 1; t < rows; t++) {
    const h = high[t]!;
    const l = low[t]!;
    const pH = high[t - 1]!;
    const pL = low[t - 1]!;
    inside[t] = h <= pH && l >= pL ? 1 : 0;
    outside[t] = h > pH && l < pL ? 1 : 0;
    hhll[t] = h > pH && l > pL ? 1 : h < pH && l < pL ? -1 : 0;
  }
  const growth = ctx.col(I_BGROWTH);
  const brLag1 = ctx.col(I_BRLAG1);
  const brLag2 = ctx.col(I_BRLAG2);
  const bodyRatio = ctx.col(I_BODY_RATIO);
  growth[0] = brLag1[0] = NaN;
  brLag2.fill(NaN, 0, Math.min(rows, 2));
  for (let t = 1; t < rows; t++) {
    const ab = Math.abs(close[t]! - open[t]!);
    growth[t] = ratio(ab, ab + Math.abs(close[t - 1]! - open[t - 1]!), 0.5);
  }
  brLag1.set(bodyRatio.subarray(0, rows - 1), 1);
  if (rows > 2) brLag2.set(bodyRatio.subarray(0, rows - 2), 2);
}

/** Direction sums and body-ratio sums (after candleGeometry). */
export function sequences(ctx: BatchContext): void {
  const rows = ctx.rows;
  const dir = ctx.col(I_DIR);
  const bodyRatio = ctx.col(I_BODY_RATIO);
  rollingSumBatch(dir, 0, 3, ctx.col(I_DIRSUM3));
  rollingSumBatch(dir, 0, 5, ctx.col(I_DIRSUM5));
  rollingSumBatch(bodyRatio, 0, 3, ctx.col(I_BRSUM3));
  const abs = ctx.take();
  for (let t = 0; t < rows; t++) abs[t] = Math.abs(bodyRatio[t]!);
  const out = ctx.col(I_BRABS10);
  rollingSumBatch(abs, 0, 10, out, 10);
  ctx.give(abs);
}
