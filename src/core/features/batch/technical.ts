import { atrBatch } from '../indicators/atr';
import { cciBatch } from '../indicators/cci';
import { dmiBatch } from '../indicators/dmi';
import { emaBatch } from '../indicators/ema';
import { macdBatch } from '../indicators/macd';
import { mfiBatch } from '../indicators/mfi';
import { rollingExtremeBatch } from '../indicators/rolling-extreme';
import { rollingMomentsBatch } from '../indicators/rolling-moments';
import { rsiBatch } from '../indicators/rsi';
import { smaBatch } from '../indicators/sma';
import { stochBatch } from '../indicators/stoch';
import { taIsZero, trueRange as taTrueRange } from '../indicators/ta-util';
import { taVarianceBatch } from '../indicators/ta-variance';
import { volumeFlowBatch } from '../indicators/volume-flow';
import { MA_PERIODS, MOMENT_WINDOWS, RSI_PERIODS, featureIndex as fi, featureIndices as indices } from '../registry';
import { type BatchContext, ratio as ratioFn } from './context';

/**
 * Batch moving averages, ranges and bands, volume, oscillators and return moments: the same kernels and
 * expressions as the streaming engine's movingAverages(), rangesAndBands(), volumeFlow(), oscillators()
 * and returnMoments(), one column (or kernel) at a time.
 */

const ratio = ratioFn; // local aliases: keep the hot loops free of module-binding getters
const isZero = taIsZero;
const trueRange = taTrueRange;
const MA_N = MA_PERIODS.slice();
const RSI_N = RSI_PERIODS.slice();
const MOM_N = MOMENT_WINDOWS.slice();

const I_SMA = indices(MA_PERIODS.map((n) => `sma_${n}`));
const I_EMA = indices(MA_PERIODS.map((n) => `ema_${n}`));
const I_C2SMA = indices(MA_PERIODS.map((n) => `close_to_sma_${n}`));
const I_C2EMA = indices(MA_PERIODS.map((n) => `close_to_ema_${n}`));
const I_RANGE = fi('range');
const I_BODY = fi('body');
const I_TRANGE = fi('trange');
const I_ATR = fi('atr_14');
const I_NATR = fi('natr_14');
const I_B2ATR = fi('body_to_atr_14');
const I_R2ATR = fi('range_to_atr_14');
const I_STDDEV = fi('stddev_20');
const I_BBU = fi('bb_upper_20_2');
const I_BBM = fi('bb_middle_20_2');
const I_BBL = fi('bb_lower_20_2');
const I_BBW = fi('bb_width_20_2');
const I_BBP = fi('bb_pctb_20_2');
const I_ZCLOSE = fi('zscore_close_20');
const I_MAXH20 = fi('max_high_20');
const I_MINL20 = fi('min_low_20');
const I_DONCH = fi('donchian_pos_20');
const I_DHIGH50 = fi('dist_high_50');
const I_DLOW50 = fi('dist_low_50');
const I_WILLR = fi('willr_14');
const I_VSMA = fi('volume_sma_20');
const I_VRATIO = fi('volume_ratio_20');
const I_VZ = fi('volume_z_20');
const I_OBV = fi('obv');
const I_AD = fi('ad');
const I_ADOSC = fi('adosc_3_10');
const I_RSI = indices(RSI_PERIODS.map((n) => `rsi_${n}`));
const I_MACD = fi('macd_12_26_9');
const I_MACDS = fi('macd_signal_12_26_9');
const I_MACDH = fi('macd_hist_12_26_9');
const I_MACDN = fi('macd_norm_12_26_9');
const I_MACDHN = fi('macd_hist_norm_12_26_9');
const I_STOCHK = fi('stoch_k_14_3');
const I_STOCHD = fi('stoch_d_14_3_3');
const I_CCI = fi('cci_20');
const I_ROC = fi('roc_10');
const I_MOM = fi('mom_10');
const I_MFI = fi('mfi_14');
const I_ADX = fi('adx_14');
const I_PDI = fi('plus_di_14');
const I_MDI = fi('minus_di_14');
const I_LOGRET1 = fi('log_ret_1');
const I_RMEAN = indices(MOMENT_WINDOWS.map((n) => `ret_mean_${n}`));
const I_RSTD = indices(MOMENT_WINDOWS.map((n) => `ret_std_${n}`));
const I_RSKEW = indices(MOMENT_WINDOWS.map((n) => `ret_skew_${n}`));
const I_RKURT = indices(MOMENT_WINDOWS.map((n) => `ret_kurt_${n}`));

/** c / ma - 1 for every row (NaN where ma is NaN). */
function closeTo(close: Float64Array, ma: Float64Array, out: Float64Array): void {
  for (let t = 0; t < close.length; t++) out[t] = close[t]! / ma[t]! - 1;
}

/** SMA and EMA of close and the close's distance to them. */
export function movingAverages(ctx: BatchContext): void {
  const close = ctx.close;
  for (let j = 0; j < MA_N.length; j++) {
    const n = MA_N[j]!;
    const sma = ctx.col(I_SMA[j]!);
    const ema = ctx.col(I_EMA[j]!);
    smaBatch(close, 0, n, sma);
    emaBatch(close, 0, n, ema);
    closeTo(close, sma, ctx.col(I_C2SMA[j]!));
    closeTo(close, ema, ctx.col(I_C2EMA[j]!));
  }
}

/** True range and ATR, Bollinger bands, channels, distance to the 50-candle extremes. */
export function rangesAndBands(ctx: BatchContext): void {
  const { high, low, close, rows } = ctx;
  if (rows === 0) return;
  const tr = ctx.col(I_TRANGE);
  tr[0] = NaN;
  for (let t = 1; t < rows; t++) tr[t] = trueRange(high[t]!, low[t]!, close[t - 1]!);
  const atr = ctx.col(I_ATR);
  atrBatch(tr, 1, 14, atr);
  const natr = ctx.col(I_NATR);
  const b2atr = ctx.col(I_B2ATR);
  const r2atr = ctx.col(I_R2ATR);
  const body = ctx.col(I_BODY);
  const range = ctx.col(I_RANGE);
  for (let t = 0; t < rows; t++) {
    const a = atr[t]!;
    if (a === a) {
      const c = close[t]!;
      natr[t] = isZero(c) ? 0 : (a / c) * 100;
      b2atr[t] = ratio(body[t]!, a, 0);
      r2atr[t] = ratio(range[t]!, a, 0);
    } else {
      natr[t] = b2atr[t] = r2atr[t] = NaN;
    }
  }

  const mid = ctx.col(I_BBM);
  const std = ctx.col(I_STDDEV);
  taVarianceBatch(close, 0, 20, mid, std);
  const bbu = ctx.col(I_BBU);
  const bbl = ctx.col(I_BBL);
  const bbw = ctx.col(I_BBW);
  const bbp = ctx.col(I_BBP);
  const z = ctx.col(I_ZCLOSE);
  for (let t = 0; t < rows; t++) {
    const m = mid[t]!;
    if (m === m) {
      const c = close[t]!;
      const sd = std[t]!;
      const dev = sd * 2;
      const up = m + dev;
      const lo = m - dev;
      bbu[t] = up;
      bbl[t] = lo;
      bbw[t] = (up - lo) / m;
      bbp[t] = ratio(c - lo, up - lo, 0.5);
      z[t] = ratio(c - m, sd, 0);
    } else {
      bbu[t] = bbl[t] = bbw[t] = bbp[t] = z[t] = NaN;
    }
  }

  const hh20 = ctx.col(I_MAXH20);
  const ll20 = ctx.col(I_MINL20);
  rollingExtremeBatch(high, 0, 20, 'max', hh20);
  rollingExtremeBatch(low, 0, 20, 'min', ll20);
  const donch = ctx.col(I_DONCH);
  for (let t = 0; t < rows; t++) {
    const hh = hh20[t]!;
    const ll = ll20[t]!;
    donch[t] = hh === hh ? ratio(close[t]! - ll, hh - ll, 0.5) : NaN;
  }
  const ext = ctx.take();
  rollingExtremeBatch(high, 0, 50, 'max', ext);
  const dHigh = ctx.col(I_DHIGH50);
  for (let t = 0; t < rows; t++) dHigh[t] = close[t]! / ext[t]! - 1;
  rollingExtremeBatch(low, 0, 50, 'min', ext);
  const dLow = ctx.col(I_DLOW50);
  for (let t = 0; t < rows; t++) dLow[t] = close[t]! / ext[t]! - 1;
  ctx.give(ext);
}

/** Volume average, ratio and z-score; OBV, AD, ADOSC. */
export function volumeFlow(ctx: BatchContext): void {
  const { high, low, close, volume, rows } = ctx;
  const vs = ctx.col(I_VSMA);
  smaBatch(volume, 0, 20, vs);
  const vRatio = ctx.col(I_VRATIO);
  for (let t = 0; t < rows; t++) {
    const s = vs[t]!;
    vRatio[t] = s === s ? ratio(volume[t]!, s, 1) : NaN;
  }
  const mean = ctx.take();
  const std = ctx.take();
  rollingMomentsBatch(volume, 0, 20, 2, mean, std);
  const vz = ctx.col(I_VZ);
  for (let t = 0; t < rows; t++) {
    const m = mean[t]!;
    vz[t] = m === m ? ratio(volume[t]! - m, std[t]!, 0) : NaN;
  }
  ctx.give(mean, std);
  volumeFlowBatch(high, low, close, volume, 3, 10, ctx.col(I_OBV), ctx.col(I_AD), ctx.col(I_ADOSC));
}

/** RSI, MACD, Williams %R and stochastic (from the 14-candle extremes), CCI, ROC/MOM, MFI, DMI/ADX. */
export function oscillators(ctx: BatchContext): void {
  const { high, low, close, volume, rows } = ctx;
  for (let j = 0; j < RSI_N.length; j++) rsiBatch(close, 0, RSI_N[j]!, ctx.col(I_RSI[j]!));

  const hh14 = ctx.take();
  const ll14 = ctx.take();
  rollingExtremeBatch(high, 0, 14, 'max', hh14);
  rollingExtremeBatch(low, 0, 14, 'min', ll14);
  const willr = ctx.col(I_WILLR);
  for (let t = 0; t < rows; t++) {
    const hh = hh14[t]!;
    if (hh === hh) {
      const diff = (hh - ll14[t]!) / -100;
      willr[t] = diff !== 0 ? (hh - close[t]!) / diff : 0;
    } else {
      willr[t] = NaN;
    }
  }

  const a = ctx.take();
  const b = ctx.take();
  const macd = ctx.col(I_MACD);
  const hist = ctx.col(I_MACDH);
  macdBatch(close, 12, 26, 9, macd, ctx.col(I_MACDS), hist, a, b);
  const macdN = ctx.col(I_MACDN);
  const histN = ctx.col(I_MACDHN);
  for (let t = 0; t < rows; t++) {
    const c = close[t]!;
    macdN[t] = macd[t]! / c;
    histN[t] = hist[t]! / c;
  }

  stochBatch(hh14, ll14, close, 14, 3, 3, ctx.col(I_STOCHK), ctx.col(I_STOCHD), a);
  ctx.give(hh14, ll14);

  const tp = a;
  for (let t = 0; t < rows; t++) tp[t] = (high[t]! + low[t]! + close[t]!) / 3;
  cciBatch(tp, 20, ctx.col(I_CCI));
  mfiBatch(tp, volume, 14, ctx.col(I_MFI));
  ctx.give(a, b);

  const roc = ctx.col(I_ROC);
  const mom = ctx.col(I_MOM);
  roc.fill(NaN, 0, Math.min(rows, 10));
  mom.fill(NaN, 0, Math.min(rows, 10));
  for (let t = 10; t < rows; t++) {
    const c = close[t]!;
    const c10 = close[t - 10]!;
    roc[t] = c10 !== 0 ? (c / c10 - 1) * 100 : 0;
    mom[t] = c - c10;
  }

  dmiBatch(high, low, close, 14, ctx.col(I_PDI), ctx.col(I_MDI), ctx.col(I_ADX));
}

/** Rolling mean, std, skewness and kurtosis of log_ret_1 (after returnsAndLags). */
export function returnMoments(ctx: BatchContext): void {
  const logRet = ctx.col(I_LOGRET1);
  for (let j = 0; j < MOM_N.length; j++) {
    rollingMomentsBatch(
      logRet,
      1,
      MOM_N[j]!,
      4,
      ctx.col(I_RMEAN[j]!),
      ctx.col(I_RSTD[j]!),
      ctx.col(I_RSKEW[j]!),
      ctx.col(I_RKURT[j]!),
    );
  }
}
