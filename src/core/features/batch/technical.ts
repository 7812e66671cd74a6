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
import { MA_PERIODS, MOMENT_WINDOWS, RSI_PERIODS } from '../registry';
import type { BatchContext } from './context';
import { MARKET, PATTERN, TECHNICAL } from '../columns';
import { ratio as ratioFn } from '../ratio';

/**
 * Batch moving averages, ranges and bands, volume, oscillators and return moments: the same kernels and
 * expressions as the streaming engine's technicalAverages(), technicalBands(), technicalVolume(),
 * technicalOscillators() and technicalMoments() (plus pattern's body/range to ATR and market's AD/ADOSC,
 * which share their kernels), one column (or kernel) at a time.
 */

const ratio = ratioFn; // local aliases: keep the hot loops free of module-binding getters
const isZero = taIsZero;
const trueRange = taTrueRange;
const MA_N = MA_PERIODS.slice();
const RSI_N = RSI_PERIODS.slice();
const MOM_N = MOMENT_WINDOWS.slice();

/** c / ma - 1 for every row (NaN where ma is NaN). */
function closeTo(close: Float64Array, ma: Float64Array, out: Float64Array): void {
  for (let t = 0; t < close.length; t++) out[t] = close[t]! / ma[t]! - 1;
}

/** SMA and EMA of close and the close's distance to them. */
export function movingAverages(ctx: BatchContext): void {
  const close = ctx.close;
  for (let j = 0; j < MA_N.length; j++) {
    const n = MA_N[j]!;
    const sma = ctx.col(TECHNICAL.sma[j]!);
    const ema = ctx.col(TECHNICAL.ema[j]!);
    smaBatch(close, 0, n, sma);
    emaBatch(close, 0, n, ema);
    closeTo(close, sma, ctx.col(TECHNICAL.closeToSma[j]!));
    closeTo(close, ema, ctx.col(TECHNICAL.closeToEma[j]!));
  }
}

/** True range and ATR, Bollinger bands, channels, distance to the 50-candle extremes. */
export function rangesAndBands(ctx: BatchContext): void {
  const { high, low, close, rows } = ctx;
  if (rows === 0) return;
  const tr = ctx.col(TECHNICAL.trange);
  tr[0] = NaN;
  for (let t = 1; t < rows; t++) tr[t] = trueRange(high[t]!, low[t]!, close[t - 1]!);
  const atr = ctx.col(TECHNICAL.atr);
  atrBatch(tr, 1, 14, atr);
  const natr = ctx.col(TECHNICAL.natr);
  const b2atr = ctx.col(PATTERN.bodyToAtr);
  const r2atr = ctx.col(PATTERN.rangeToAtr);
  const body = ctx.col(TECHNICAL.body);
  const range = ctx.col(TECHNICAL.range);
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

  const mid = ctx.col(TECHNICAL.bbMiddle);
  const std = ctx.col(TECHNICAL.stddev);
  taVarianceBatch(close, 0, 20, mid, std);
  const bbu = ctx.col(TECHNICAL.bbUpper);
  const bbl = ctx.col(TECHNICAL.bbLower);
  const bbw = ctx.col(TECHNICAL.bbWidth);
  const bbp = ctx.col(TECHNICAL.bbPctB);
  const z = ctx.col(TECHNICAL.zscoreClose);
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

  const hh20 = ctx.col(TECHNICAL.maxHigh20);
  const ll20 = ctx.col(TECHNICAL.minLow20);
  rollingExtremeBatch(high, 0, 20, 'max', hh20);
  rollingExtremeBatch(low, 0, 20, 'min', ll20);
  const donch = ctx.col(TECHNICAL.donchianPos);
  for (let t = 0; t < rows; t++) {
    const hh = hh20[t]!;
    const ll = ll20[t]!;
    donch[t] = hh === hh ? ratio(close[t]! - ll, hh - ll, 0.5) : NaN;
  }
  const ext = ctx.take();
  rollingExtremeBatch(high, 0, 50, 'max', ext);
  const dHigh = ctx.col(TECHNICAL.distHigh50);
  for (let t = 0; t < rows; t++) dHigh[t] = close[t]! / ext[t]! - 1;
  rollingExtremeBatch(low, 0, 50, 'min', ext);
  const dLow = ctx.col(TECHNICAL.distLow50);
  for (let t = 0; t < rows; t++) dLow[t] = close[t]! / ext[t]! - 1;
  ctx.give(ext);
}

/** Volume average, ratio and z-score; OBV, AD, ADOSC. */
export function volumeFlow(ctx: BatchContext): void {
  const { high, low, close, volume, rows } = ctx;
  const vs = ctx.col(TECHNICAL.volumeSma);
  smaBatch(volume, 0, 20, vs);
  const vRatio = ctx.col(TECHNICAL.volumeRatio);
  for (let t = 0; t < rows; t++) {
    const s = vs[t]!;
    vRatio[t] = s === s ? ratio(volume[t]!, s, 1) : NaN;
  }
  const mean = ctx.take();
  const std = ctx.take();
  rollingMomentsBatch(volume, 0, 20, 2, mean, std);
  const vz = ctx.col(TECHNICAL.volumeZ);
  for (let t = 0; t < rows; t++) {
    const m = mean[t]!;
    vz[t] = m === m ? ratio(volume[t]! - m, std[t]!, 0) : NaN;
  }
  ctx.give(mean, std);
  volumeFlowBatch(high, low, close, volume, 3, 10, ctx.col(TECHNICAL.obv), ctx.col(MARKET.ad), ctx.col(MARKET.adosc));
}

/** RSI, MACD, Williams %R and stochastic (from the 14-candle extremes), CCI, ROC/MOM, MFI, DMI/ADX. */
export function oscillators(ctx: BatchContext): void {
  const { high, low, close, volume, rows } = ctx;
  for (let j = 0; j < RSI_N.length; j++) rsiBatch(close, 0, RSI_N[j]!, ctx.col(TECHNICAL.rsi[j]!));

  const hh14 = ctx.take();
  const ll14 = ctx.take();
  rollingExtremeBatch(high, 0, 14, 'max', hh14);
  rollingExtremeBatch(low, 0, 14, 'min', ll14);
  const willr = ctx.col(TECHNICAL.willr);
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
  const macd = ctx.col(TECHNICAL.macd);
  const hist = ctx.col(TECHNICAL.macdHist);
  macdBatch(close, 12, 26, 9, macd, ctx.col(TECHNICAL.macdSignal), hist, a, b);
  const macdN = ctx.col(TECHNICAL.macdNorm);
  const histN = ctx.col(TECHNICAL.macdHistNorm);
  for (let t = 0; t < rows; t++) {
    const c = close[t]!;
    macdN[t] = macd[t]! / c;
    histN[t] = hist[t]! / c;
  }

  stochBatch(hh14, ll14, close, 14, 3, 3, ctx.col(TECHNICAL.stochK), ctx.col(TECHNICAL.stochD), a);
  ctx.give(hh14, ll14);

  const tp = a;
  for (let t = 0; t < rows; t++) tp[t] = (high[t]! + low[t]! + close[t]!) / 3;
  cciBatch(tp, 20, ctx.col(TECHNICAL.cci));
  mfiBatch(tp, volume, 14, ctx.col(TECHNICAL.mfi));
  ctx.give(a, b);

  const roc = ctx.col(TECHNICAL.roc);
  const mom = ctx.col(TECHNICAL.mom);
  roc.fill(NaN, 0, Math.min(rows, 10));
  mom.fill(NaN, 0, Math.min(rows, 10));
  for (let t = 10; t < rows; t++) {
    const c = close[t]!;
    const c10 = close[t - 10]!;
    roc[t] = c10 !== 0 ? (c / c10 - 1) * 100 : 0;
    mom[t] = c - c10;
  }

  dmiBatch(high, low, close, 14, ctx.col(TECHNICAL.plusDi), ctx.col(TECHNICAL.minusDi), ctx.col(TECHNICAL.adx));
}

/** Rolling mean, std, skewness and kurtosis of log_ret_1 (after returnsAndLags). */
export function returnMoments(ctx: BatchContext): void {
  const logRet = ctx.col(TECHNICAL.logRet1);
  for (let j = 0; j < MOM_N.length; j++) {
    rollingMomentsBatch(
      logRet,
      1,
      MOM_N[j]!,
      4,
      ctx.col(TECHNICAL.retMean[j]!),
      ctx.col(TECHNICAL.retStd[j]!),
      ctx.col(TECHNICAL.retSkew[j]!),
      ctx.col(TECHNICAL.retKurt[j]!),
    );
  }
}
