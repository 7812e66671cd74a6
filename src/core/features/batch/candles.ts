import { TA_EPSILON } from '../indicators/ta-util';
import { rollingSumBatch } from '../indicators/rolling-sum';
import { LOG_RET_HORIZONS, LOG_RET_LAGS } from '../registry';
import type { BatchContext } from './context';
import { MARKET, PATTERN, TECHNICAL } from '../columns';
import { ratio as ratioFn } from '../ratio';

/**
 * Batch candle geometry, returns and lags, and multi-candle sequences: the same expressions as the
 * streaming engine's technicalReturns(), pattern*() sections and the clv/bop of marketFlow(), one loop per
 * group of columns.
 */

const ratio = ratioFn; // local alias: keeps the hot loops free of module-binding getters
const EPS = TA_EPSILON;
const HORIZONS = LOG_RET_HORIZONS.slice();
const LAGS = LOG_RET_LAGS.slice();

/** range, body, shadows, their ratios, direction and bull/bear streaks, clv, bop. */
export function candleGeometry(ctx: BatchContext): void {
  const { open, high, low, close, rows } = ctx;
  const rangeCol = ctx.col(TECHNICAL.range);
  const rangePct = ctx.col(TECHNICAL.rangePct);
  const bodyCol = ctx.col(TECHNICAL.body);
  const bodyPct = ctx.col(TECHNICAL.bodyPct);
  const upperCol = ctx.col(TECHNICAL.upperShadow);
  const lowerCol = ctx.col(TECHNICAL.lowerShadow);
  const hlRatio = ctx.col(TECHNICAL.highLowRatio);
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
  const bodyRatioCol = ctx.col(PATTERN.bodyRatio);
  const usr = ctx.col(PATTERN.upperShadowRatio);
  const lsr = ctx.col(PATTERN.lowerShadowRatio);
  const closePos = ctx.col(PATTERN.closePos);
  const clvCol = ctx.col(MARKET.clv);
  const bop = ctx.col(MARKET.bop);
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
  const nOpen = ctx.col(PATTERN.normOpen);
  const nHigh = ctx.col(PATTERN.normHigh);
  const nLow = ctx.col(PATTERN.normLow);
  for (let t = 0; t < rows; t++) {
    const c = close[t]!;
    nOpen[t] = open[t]! / c - 1;
    nHigh[t] = high[t]! / c - 1;
    nLow[t] = low[t]! / c - 1;
  }
  const dirCol = ctx.col(PATTERN.direction);
  const bull = ctx.col(PATTERN.bullStreak);
  const bear = ctx.col(PATTERN.bearStreak);
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
  const ret1 = ctx.col(TECHNICAL.ret1);
  const logRet = ctx.col(TECHNICAL.logRet1);
  ret1[0] = NaN;
  for (let t = 1; t < rows; t++) ret1[t] = close[t]! / close[t - 1]! - 1;
  logReturns(close, logRet);
  for (let j = 0; j < HORIZONS.length; j++) {
    const hz = HORIZONS[j]!;
    const out = ctx.col(TECHNICAL.logRetH[j]!);
    out.fill(NaN, 0, Math.min(rows, hz));
    for (let t = hz; t < rows; t++) out[t] = Math.log(close[t]! / close[t - hz]!);
  }
  for (let j = 0; j < LAGS.length; j++) {
    const k = LAGS[j]!;
    const out = ctx.col(TECHNICAL.logRetLag[j]!);
    out.fill(NaN, 0, Math.min(rows, k + 1));
    if (rows > k + 1) out.set(logRet.subarray(1, rows - k), k + 1);
  }
  const up = ctx.col(PATTERN.upStreak);
  const down = ctx.col(PATTERN.downStreak);
  const gap = ctx.col(PATTERN.gapPct);
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
  const inside = ctx.col(PATTERN.insideBar);
  const outside = ctx.col(PATTERN.outsideBar);
  const hhll = ctx.col(PATTERN.hhLl);
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
  const growth = ctx.col(PATTERN.bodyGrowth);
  const brLag1 = ctx.col(PATTERN.bodyRatioLag1);
  const brLag2 = ctx.col(PATTERN.bodyRatioLag2);
  const bodyRatio = ctx.col(PATTERN.bodyRatio);
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
  const dir = ctx.col(PATTERN.direction);
  const bodyRatio = ctx.col(PATTERN.bodyRatio);
  rollingSumBatch(dir, 0, 3, ctx.col(PATTERN.dirSum3));
  rollingSumBatch(dir, 0, 5, ctx.col(PATTERN.dirSum5));
  rollingSumBatch(bodyRatio, 0, 3, ctx.col(PATTERN.bodyRatioSum3));
  const abs = ctx.take();
  for (let t = 0; t < rows; t++) abs[t] = Math.abs(bodyRatio[t]!);
  const out = ctx.col(PATTERN.bodyRatioAbsMean10);
  rollingSumBatch(abs, 0, 10, out, 10);
  ctx.give(abs);
}
