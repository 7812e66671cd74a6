import { emaBatch } from '../indicators/ema';
import { garchBatch } from '../indicators/garch';
import { rollingRankBatch } from '../indicators/rolling-rank';
import { rollingSumBatch } from '../indicators/rolling-sum';
import { ultoscBatch } from '../indicators/ultosc';
import { GARCH_REFIT, GARCH_WINDOW, VOL_RANK_MIN, VOL_RANK_WINDOW } from '../registry';
import type { BatchContext } from './context';
import { MARKET, TECHNICAL } from '../columns';
import { ratio as ratioFn } from '../ratio';

/**
 * Batch market features (volume imbalance, pressure, volatility estimators and regime, liquidity) and
 * GARCH: the same kernels and expressions as the streaming engine's marketFlow(), marketVolatility(),
 * marketLiquidity() and marketGarch() (plus technical's ultimate oscillator, which shares buying pressure).
 */

const ratio = ratioFn; // local alias: keeps the hot loops free of module-binding getters
const LN2 = Math.LN2;
const CS_K = 3 - 2 * Math.SQRT2;
const GK_C = 2 * LN2 - 1;

/** out[t] = ratio(a[t], b[t], fallback) where a[t] is not NaN, else NaN. */
function ratioCol(a: Float64Array, b: Float64Array, fallback: number, out: Float64Array): void {
  for (let t = 0; t < out.length; t++) {
    const x = a[t]!;
    out[t] = x === x ? ratio(x, b[t]!, fallback) : NaN;
  }
}

/** Volume imbalance, zero-volume and flat fractions, Parkinson and Garman-Klass volatility. */
function windowed(ctx: BatchContext, lnHL: Float64Array): void {
  const { open, high, low, close, volume, rows } = ctx;
  const x = ctx.take();
  const s1 = ctx.take();
  const s2 = ctx.take();
  const clv = ctx.col(MARKET.clv);
  for (let t = 0; t < rows; t++) x[t] = clv[t]! * volume[t]!;
  for (const [n, index] of [
    [20, MARKET.volImbalance20],
    [50, MARKET.volImbalance50],
  ] as const) {
    rollingSumBatch(x, 0, n, s1);
    rollingSumBatch(volume, 0, n, s2);
    const out = ctx.col(index);
    for (let t = 0; t < rows; t++) {
      const v = s2[t]!;
      out[t] = v === v ? ratio(s1[t]!, v, 0) : NaN;
    }
  }
  for (let t = 0; t < rows; t++) x[t] = volume[t] === 0 ? 1 : 0;
  const zVol = ctx.col(MARKET.zeroVolumeFrac);
  rollingSumBatch(x, 0, 20, zVol, 20);
  const range = ctx.col(TECHNICAL.range);
  for (let t = 0; t < rows; t++) x[t] = range[t] === 0 ? 1 : 0;
  const flat = ctx.col(MARKET.flatFrac);
  rollingSumBatch(x, 0, 20, flat, 20);

  for (let t = 0; t < rows; t++) {
    const v = Math.log(high[t]! / low[t]!);
    lnHL[t] = v;
    x[t] = v * v;
  }
  rollingSumBatch(x, 0, 20, s1);
  const park = ctx.col(MARKET.parkinsonVol);
  for (let t = 0; t < rows; t++) {
    const p = s1[t]!;
    park[t] = p === p ? (p > 0 ? Math.sqrt(p / 20 / (4 * LN2)) : 0) : NaN;
  }
  for (let t = 0; t < rows; t++) {
    const a = lnHL[t]!;
    const lnCO = Math.log(close[t]! / open[t]!);
    x[t] = 0.5 * a * a - GK_C * lnCO * lnCO;
  }
  rollingSumBatch(x, 0, 20, s1);
  const gk = ctx.col(MARKET.gkVol);
  for (let t = 0; t < rows; t++) {
    const g = s1[t]!;
    gk[t] = g === g ? (g > 0 ? Math.sqrt(g / 20) : 0) : NaN;
  }
  ctx.give(x, s1, s2);
}

/** Features of candles with a previous close (fed from candle 1). */
function withPrevious(ctx: BatchContext, lnHL: Float64Array): void {
  const { high, low, close, volume, rows } = ctx;
  const x = ctx.take();
  const s1 = ctx.take();
  const s2 = ctx.take();
  const tr = ctx.col(TECHNICAL.trange);
  const ret1 = ctx.col(TECHNICAL.ret1);
  const logRet = ctx.col(TECHNICAL.logRet1);

  // tick-rule signed volume
  for (let t = 1; t < rows; t++) {
    const c = close[t]!;
    const pC = close[t - 1]!;
    x[t] = (c > pC ? 1 : c < pC ? -1 : 0) * volume[t]!;
  }
  rollingSumBatch(x, 1, 20, s1);
  rollingSumBatch(volume, 1, 20, s2);
  ratioCol(s1, s2, 0, ctx.col(MARKET.signedVolume20));

  // buying pressure: ultimate oscillator and its 14-candle ratio
  for (let t = 1; t < rows; t++) {
    const l = low[t]!;
    const pC = close[t - 1]!;
    x[t] = close[t]! - (l < pC ? l : pC);
  }
  ultoscBatch(x, tr, 1, 7, 14, 28, ctx.col(TECHNICAL.ultosc), s1, s2);
  rollingSumBatch(x, 1, 14, s1);
  rollingSumBatch(tr, 1, 14, s2);
  ratioCol(s1, s2, 0.5, ctx.col(MARKET.buyPressure));

  // force index
  for (let t = 1; t < rows; t++) x[t] = ret1[t]! * volume[t]!;
  emaBatch(x, 1, 13, s1);
  emaBatch(volume, 1, 13, s2);
  ratioCol(s1, s2, 0, ctx.col(MARKET.forceIndex));

  // short/long realized variance ratio
  for (let t = 1; t < rows; t++) {
    const r = logRet[t]!;
    x[t] = r * r;
  }
  rollingSumBatch(x, 1, 20, s1);
  rollingSumBatch(x, 1, 100, s2);
  const vr = ctx.col(MARKET.volRatio20to100);
  for (let t = 0; t < rows; t++) {
    const rl = s2[t]!;
    const rs = s1[t]!;
    vr[t] = rl === rl ? (rl > 0 ? (rs > 0 ? Math.sqrt(rs / 20 / (rl / 100)) : 0) : 1) : NaN;
  }

  // Amihud illiquidity
  for (let t = 1; t < rows; t++) {
    const v = volume[t]!;
    x[t] = v > 0 ? (Math.abs(ret1[t]!) / (close[t]! * v)) * 1e6 : 0;
  }
  rollingSumBatch(x, 1, 20, s1);
  for (let t = 1; t < rows; t++) x[t] = volume[t]! > 0 ? 1 : 0;
  rollingSumBatch(x, 1, 20, s2);
  ratioCol(s1, s2, 0, ctx.col(MARKET.amihud));

  // Corwin-Schultz spread
  for (let t = 1; t < rows; t++) {
    const h = high[t]!;
    const l = low[t]!;
    const pH = high[t - 1]!;
    const pL = low[t - 1]!;
    const lnHl = lnHL[t]!;
    const l1 = lnHL[t - 1]!;
    const beta = lnHl * lnHl + l1 * l1;
    const g = Math.log((h > pH ? h : pH) / (l < pL ? l : pL));
    const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / CS_K - Math.sqrt((g * g) / CS_K);
    const ea = Math.exp(alpha);
    const spread = (2 * (ea - 1)) / (1 + ea);
    x[t] = spread > 0 ? spread : 0;
  }
  const cs = ctx.col(MARKET.csSpread);
  rollingSumBatch(x, 1, 20, cs, 20);

  // efficiency ratio
  for (let t = 1; t < rows; t++) x[t] = Math.abs(close[t]! - close[t - 1]!);
  rollingSumBatch(x, 1, 10, s1);
  const er = ctx.col(MARKET.efficiencyRatio);
  for (let t = 0; t < rows; t++) {
    const d = s1[t]!;
    er[t] = d === d ? ratio(Math.abs(close[t]! - close[t - 10]!), d, 0) : NaN;
  }

  // Roll spread: pairs (r[t], r[t-1]) from candle 2
  for (let t = 2; t < rows; t++) x[t] = logRet[t]! * logRet[t - 1]!;
  rollingSumBatch(x, 2, 20, s1); // sum r[t] r[t-1]
  rollingSumBatch(logRet, 2, 20, s2); // sum r[t]
  const sy = x;
  if (rows > 1) rollingSumBatch(logRet.subarray(0, rows - 1), 1, 20, sy.subarray(1)); // sum r[t-1]
  const roll = ctx.col(MARKET.rollSpread);
  for (let t = 0; t < rows; t++) {
    const sxy = s1[t]!;
    if (sxy === sxy) {
      const cov = sxy / 20 - (s2[t]! / 20) * (sy[t]! / 20);
      roll[t] = cov < 0 ? 2 * Math.sqrt(-cov) : 0;
    } else {
      roll[t] = NaN;
    }
  }
  ctx.give(x, s1, s2);
}

/** Percentile rank of ret_std_20 in its trailing window and the regime (after returnMoments). */
function volatilityRegime(ctx: BatchContext): void {
  const rows = ctx.rows;
  const std20 = ctx.col(TECHNICAL.retStd[0]!);
  const rank = ctx.col(MARKET.volRank);
  const regime = ctx.col(MARKET.volRegime);
  // the streaming rank is fed ret_std_20 on candles where it exists: feed the same sequence
  const fed = ctx.take();
  const ranks = ctx.take();
  let count = 0;
  for (let t = 1; t < rows; t++) {
    const v = std20[t]!;
    if (v === v) fed[count++] = v;
  }
  rollingRankBatch(fed, count, VOL_RANK_WINDOW, VOL_RANK_MIN, ranks);
  let k = 0;
  for (let t = 0; t < rows; t++) {
    const v = std20[t]!;
    const r = t >= 1 && v === v ? ranks[k++]! : NaN;
    if (r === r) {
      rank[t] = r;
      regime[t] = r < 1 / 3 ? -1 : r > 2 / 3 ? 1 : 0;
    } else {
      rank[t] = regime[t] = NaN;
    }
  }
  ctx.give(fed, ranks);
}

/** All market features (after candleGeometry, returnsAndLags, rangesAndBands and returnMoments). */
export function market(ctx: BatchContext): void {
  const lnHL = ctx.take();
  windowed(ctx, lnHL);
  withPrevious(ctx, lnHL);
  ctx.give(lnHL);
  volatilityRegime(ctx);
}

/**
 * GARCH volatility, persistence and standardized residual from the log returns `logRet` (log_ret_1's values);
 * needs nothing else, so the parallel batch runs it on its own thread.
 */
export function garchColumns(ctx: BatchContext, logRet: Float64Array): void {
  const rows = ctx.rows;
  const vol = ctx.col(MARKET.garchVol);
  const resid = ctx.col(MARKET.garchStdResid);
  const pers = ctx.col(MARKET.garchPersistence);
  garchBatch(logRet, GARCH_WINDOW, GARCH_REFIT, vol, resid, pers);
  for (let t = 0; t < rows; t++) if (vol[t]! !== vol[t]!) resid[t] = pers[t] = NaN;
}

/** garch_vol_ratio: GARCH volatility over ret_std_20 (after garchColumns and returnMoments). */
export function garchRatio(ctx: BatchContext): void {
  const rows = ctx.rows;
  const vol = ctx.col(MARKET.garchVol);
  const ratioOut = ctx.col(MARKET.garchVolRatio);
  const std20 = ctx.col(TECHNICAL.retStd[0]!);
  for (let t = 0; t < rows; t++) {
    const g = vol[t]!;
    ratioOut[t] = g === g ? ratio(g, std20[t]!, 1) : NaN;
  }
}
