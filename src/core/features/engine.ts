import type { Candle } from '../candles/candle';
import { Atr } from './indicators/atr';
import { Cci } from './indicators/cci';
import { Dmi } from './indicators/dmi';
import { Ema } from './indicators/ema';
import { GarchVol } from './indicators/garch';
import { History } from './indicators/history';
import { Macd } from './indicators/macd';
import { Mfi } from './indicators/mfi';
import { RollingExtreme } from './indicators/rolling-extreme';
import { RollingMoments } from './indicators/rolling-moments';
import { RollingRank } from './indicators/rolling-rank';
import { RollingSum } from './indicators/rolling-sum';
import { Rsi } from './indicators/rsi';
import { Sma } from './indicators/sma';
import { Stoch } from './indicators/stoch';
import { TA_EPSILON, trueRange as taTrueRange } from './indicators/ta-util';
import { TaVariance } from './indicators/ta-variance';
import { UltOsc } from './indicators/ultosc';
import { VolumeFlow } from './indicators/volume-flow';
import { approxStateBytes } from './state-bytes';
import { checkEngineCandle } from './candle-check';
import {
  FEATURES,
  GARCH_REFIT,
  GARCH_WINDOW,
  LOG_RET_HORIZONS,
  LOG_RET_LAGS,
  MA_PERIODS,
  MODEL_FEATURE_INDICES,
  MODEL_FEATURE_NAMES,
  MOMENT_WINDOWS,
  RSI_PERIODS,
  VOL_RANK_MIN,
  VOL_RANK_WINDOW,
  featureIndex as fi,
  featureIndices as ix,
} from './registry';

const NF = FEATURES.length;
// Local copies: module bindings can compile to getters under some loaders; keep the hot path direct.
const MA_N = MA_PERIODS.slice();
const HORIZONS = LOG_RET_HORIZONS.slice();
const LAGS = LOG_RET_LAGS.slice();
const RSI_N = RSI_PERIODS.slice();
const MOM_N = MOMENT_WINDOWS.slice();
const MODEL_IDX = MODEL_FEATURE_INDICES.slice();
const EPS = TA_EPSILON;
const trueRange = taTrueRange;
const NM = MODEL_FEATURE_NAMES.length;

// Output indices, resolved once from the registry.
const I_RET1 = fi('ret_1');
const I_LOGRET1 = fi('log_ret_1');
const I_LOGRET_H = ix(LOG_RET_HORIZONS.map((h) => `log_ret_${h}`));
const I_LAG = ix(LOG_RET_LAGS.map((k) => `log_ret_lag_${k}`));
const I_RANGE = fi('range');
const I_RANGE_PCT = fi('range_pct');
const I_BODY = fi('body');
const I_BODY_PCT = fi('body_pct');
const I_UPPER = fi('upper_shadow');
const I_LOWER = fi('lower_shadow');
const I_HL_RATIO = fi('high_low_ratio');
const I_SMA = ix(MA_PERIODS.map((n) => `sma_${n}`));
const I_EMA = ix(MA_PERIODS.map((n) => `ema_${n}`));
const I_C2SMA = ix(MA_PERIODS.map((n) => `close_to_sma_${n}`));
const I_C2EMA = ix(MA_PERIODS.map((n) => `close_to_ema_${n}`));
const I_TRANGE = fi('trange');
const I_ATR = fi('atr_14');
const I_NATR = fi('natr_14');
const I_STDDEV = fi('stddev_20');
const I_MAXH20 = fi('max_high_20');
const I_MINL20 = fi('min_low_20');
const I_DONCH = fi('donchian_pos_20');
const I_DHIGH50 = fi('dist_high_50');
const I_DLOW50 = fi('dist_low_50');
const I_VSMA = fi('volume_sma_20');
const I_VRATIO = fi('volume_ratio_20');
const I_VZ = fi('volume_z_20');
const I_OBV = fi('obv');
const I_RSI = ix(RSI_PERIODS.map((n) => `rsi_${n}`));
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
const I_WILLR = fi('willr_14');
const I_MFI = fi('mfi_14');
const I_ADX = fi('adx_14');
const I_PDI = fi('plus_di_14');
const I_MDI = fi('minus_di_14');
const I_BBU = fi('bb_upper_20_2');
const I_BBM = fi('bb_middle_20_2');
const I_BBL = fi('bb_lower_20_2');
const I_BBW = fi('bb_width_20_2');
const I_BBP = fi('bb_pctb_20_2');
const I_ZCLOSE = fi('zscore_close_20');
const I_RMEAN = ix(MOMENT_WINDOWS.map((n) => `ret_mean_${n}`));
const I_RSTD = ix(MOMENT_WINDOWS.map((n) => `ret_std_${n}`));
const I_RSKEW = ix(MOMENT_WINDOWS.map((n) => `ret_skew_${n}`));
const I_RKURT = ix(MOMENT_WINDOWS.map((n) => `ret_kurt_${n}`));
const I_ULTOSC = fi('ultosc_7_14_28');
// pattern
const I_BODY_RATIO = fi('body_ratio');
const I_USR = fi('upper_shadow_ratio');
const I_LSR = fi('lower_shadow_ratio');
const I_CLOSE_POS = fi('close_pos');
const I_NOPEN = fi('norm_open');
const I_NHIGH = fi('norm_high');
const I_NLOW = fi('norm_low');
const I_B2ATR = fi('body_to_atr_14');
const I_R2ATR = fi('range_to_atr_14');
const I_DIR = fi('direction');
const I_UPSTREAK = fi('up_streak');
const I_DOWNSTREAK = fi('down_streak');
const I_BULLSTREAK = fi('bull_streak');
const I_BEARSTREAK = fi('bear_streak');
const I_GAP = fi('gap_pct');
const I_INSIDE = fi('inside_bar');
const I_OUTSIDE = fi('outside_bar');
const I_HHLL = fi('hh_ll');
const I_BGROWTH = fi('body_growth');
const I_DIRSUM3 = fi('dir_sum_3');
const I_DIRSUM5 = fi('dir_sum_5');
const I_BRABS10 = fi('body_ratio_abs_mean_10');
const I_BRSUM3 = fi('body_ratio_sum_3');
const I_BRLAG1 = fi('body_ratio_lag_1');
const I_BRLAG2 = fi('body_ratio_lag_2');
// market
const I_CLV = fi('clv');
const I_VIMB20 = fi('vol_imbalance_20');
const I_VIMB50 = fi('vol_imbalance_50');
const I_SIGNED20 = fi('signed_volume_20');
const I_AD = fi('ad');
const I_ADOSC = fi('adosc_3_10');
const I_BOP = fi('bop');
const I_BUYP = fi('buy_pressure_14');
const I_FORCE = fi('force_index_13');
const I_PARK = fi('parkinson_vol_20');
const I_GK = fi('gk_vol_20');
const I_VRATIO_20_100 = fi('vol_ratio_20_100');
const I_VRANK = fi('vol_rank_500');
const I_VREGIME = fi('vol_regime');
const I_GVOL = fi('garch_vol');
const I_GVRATIO = fi('garch_vol_ratio');
const I_GPERS = fi('garch_persistence');
const I_GRESID = fi('garch_std_resid');
const I_AMIHUD = fi('amihud_20');
const I_CS = fi('cs_spread_20');
const I_ROLL = fi('roll_spread_20');
const I_ZVOL = fi('zero_volume_frac_20');
const I_FLAT = fi('flat_frac_20');
const I_ER = fi('efficiency_ratio_10');

const LN2 = Math.LN2;
const CS_K = 3 - 2 * Math.SQRT2;
const GK_C = 2 * LN2 - 1;

/** a / b, or `fallback` when b is 0 (keeps zero ranges / zero volumes finite). */
function ratio(a: number, b: number, fallback: number): number {
  return b !== 0 ? a / b : fallback;
}

/**
 * Streaming feature engine for one (symbol, timeframe). `update(candle)` appends a candle and returns all
 * features in FEATURES order (NaN = empty); `update(candle, true)` rewrites the still-open last candle
 * from the state before it, any number of times. O(1) amortized per update, no allocation on the hot
 * path (the returned array is reused: copy it if you keep it).
 */
export class FeatureEngine {
  private readonly out = new Float64Array(NF).fill(NaN);
  private n = 0; // candles seen (including the open one)
  // previous (closed) candle and the current candle
  private pO = NaN;
  private pH = NaN;
  private pL = NaN;
  private pC = NaN;
  private pBodyRatio = NaN;
  private pBody = NaN;
  private cO = NaN;
  private cH = NaN;
  private cL = NaN;
  private cC = NaN;
  private cBodyRatio = NaN;
  private cBody = NaN;
  private pLnHL = NaN;
  private cLnHL = NaN;
  // per-update values shared by the sections of step()
  private curLogRet = NaN;
  private curTr = NaN;
  // streaks: value for the current candle and the value of the previous candle
  private readonly streak = new Float64Array(8); // [up, down, bull, bear] current, then previous

  private readonly closes = new History(11);
  private readonly logRets = new History(11);
  private readonly bodyRatios = new History(3);
  private readonly sma = MA_N.map((n) => new Sma(n));
  private readonly ema = MA_N.map((n) => new Ema(n));
  private readonly atr = new Atr(14);
  private readonly var20 = new TaVariance(20);
  private readonly maxH20 = new RollingExtreme(20, 'max');
  private readonly minL20 = new RollingExtreme(20, 'min');
  private readonly maxH50 = new RollingExtreme(50, 'max');
  private readonly minL50 = new RollingExtreme(50, 'min');
  private readonly maxH14 = new RollingExtreme(14, 'max');
  private readonly minL14 = new RollingExtreme(14, 'min');
  private readonly volSma = new Sma(20);
  private readonly volMoments = new RollingMoments(20, 2);
  private readonly flow = new VolumeFlow(3, 10);
  private readonly rsi = RSI_N.map((n) => new Rsi(n));
  private readonly macd = new Macd(12, 26, 9);
  private readonly stoch = new Stoch(14, 3, 3);
  private readonly cci = new Cci(20);
  private readonly mfi = new Mfi(14);
  private readonly dmi = new Dmi(14);
  private readonly retMoments = MOM_N.map((n) => new RollingMoments(n, 4));
  private readonly ultosc = new UltOsc(7, 14, 28);
  private readonly dir3 = new RollingSum(3);
  private readonly dir5 = new RollingSum(5);
  private readonly brAbs10 = new RollingSum(10);
  private readonly brSum3 = new RollingSum(3);
  private readonly clvVol20 = new RollingSum(20);
  private readonly vol20 = new RollingSum(20);
  private readonly clvVol50 = new RollingSum(50);
  private readonly vol50 = new RollingSum(50);
  private readonly signedVol20 = new RollingSum(20);
  private readonly volR20 = new RollingSum(20); // volume of candles 1.. (pairs with signedVol20)
  private readonly bp14 = new RollingSum(14);
  private readonly tr14 = new RollingSum(14);
  private readonly forceNum = new Ema(13);
  private readonly forceDen = new Ema(13);
  private readonly park20 = new RollingSum(20);
  private readonly gk20 = new RollingSum(20);
  private readonly r2short = new RollingSum(20);
  private readonly r2long = new RollingSum(100);
  private readonly volRank = new RollingRank(VOL_RANK_WINDOW, VOL_RANK_MIN);
  private readonly garch = new GarchVol(GARCH_WINDOW, GARCH_REFIT);
  private readonly amihudSum = new RollingSum(20);
  private readonly amihudCount = new RollingSum(20);
  private readonly cs20 = new RollingSum(20);
  private readonly rollXY = new RollingSum(20);
  private readonly rollX = new RollingSum(20);
  private readonly rollY = new RollingSum(20);
  private readonly zeroVol20 = new RollingSum(20);
  private readonly flat20 = new RollingSum(20);
  private readonly absDiff10 = new RollingSum(10);

  /** Number of candles seen (the open one included). */
  get length(): number {
    return this.n;
  }

  /** Last output row (FEATURES order). */
  get values(): Float64Array {
    return this.out;
  }

  update(candle: Candle, replace = false): Float64Array {
    return this.step(candle.open, candle.high, candle.low, candle.close, candle.volume, replace);
  }

  /** Same as update() with the candle's fields passed directly (what batch mode calls). */
  step(o: number, h: number, l: number, c: number, v: number, replace = false): Float64Array {
    // Reject bad input before touching any state (a NaN would poison every running total).
    checkEngineCandle(o, h, l, c, v);
    if (this.n === 0) replace = false;
    const out = this.out;
    out.fill(NaN);
    const st = this.streak;
    if (replace) {
      st[0] = st[4]!;
      st[1] = st[5]!;
      st[2] = st[6]!;
      st[3] = st[7]!;
    } else {
      this.n++;
      this.pO = this.cO;
      this.pH = this.cH;
      this.pL = this.cL;
      this.pC = this.cC;
      this.pBodyRatio = this.cBodyRatio;
      this.pBody = this.cBody;
      this.pLnHL = this.cLnHL;
      st[4] = st[0]!;
      st[5] = st[1]!;
      st[6] = st[2]!;
      st[7] = st[3]!;
    }
    const t = this.n - 1; // index of this candle
    this.cO = o;
    this.cH = h;
    this.cL = l;
    this.cC = c;

    this.curLogRet = t >= 1 ? Math.log(c / this.pC) : NaN;
    this.geometry(o, h, l, c, t);
    this.returnsAndLags(o, h, l, c, t, replace);
    this.movingAverages(c, replace);
    this.rangesAndBands(o, h, l, c, t, replace);
    this.volumeFlow(h, l, c, v, replace);
    this.oscillators(h, l, c, v, t, replace);
    this.returnMoments(t, replace);
    this.sequences(o, c, replace);
    this.market(o, h, l, c, v, t, replace);
    this.garchVol(replace);
    return out;
  }

  /** Candle geometry. */
  private geometry(o: number, h: number, l: number, c: number, t: number): void {
    const out = this.out;
    const st = this.streak;
    const range = h - l;
    const body = c - o;
    const top = o > c ? o : c;
    const bot = o < c ? o : c;
    const bodyRatio = ratio(body, range, 0);
    this.cBodyRatio = bodyRatio;
    this.cBody = body;
    out[I_RANGE] = range;
    out[I_RANGE_PCT] = range / c;
    out[I_BODY] = body;
    out[I_BODY_PCT] = body / o;
    out[I_UPPER] = h - top;
    out[I_LOWER] = bot - l;
    out[I_HL_RATIO] = h / l - 1;
    out[I_BODY_RATIO] = bodyRatio;
    out[I_USR] = ratio(h - top, range, 0);
    out[I_LSR] = ratio(bot - l, range, 0);
    const closePos = ratio(c - l, range, 0.5);
    out[I_CLOSE_POS] = closePos;
    out[I_NOPEN] = o / c - 1;
    out[I_NHIGH] = h / c - 1;
    out[I_NLOW] = l / c - 1;
    const dir = body > 0 ? 1 : body < 0 ? -1 : 0;
    out[I_DIR] = dir;
    st[2] = dir > 0 ? (t === 0 ? 0 : st[6]!) + 1 : 0;
    st[3] = dir < 0 ? (t === 0 ? 0 : st[7]!) + 1 : 0;
    out[I_BULLSTREAK] = st[2]!;
    out[I_BEARSTREAK] = st[3]!;
    const clv = ratio(c - l - (h - c), range, 0);
    out[I_CLV] = clv;
    out[I_BOP] = range < EPS ? 0 : body / range;
  }

  /** Returns and lags. */
  private returnsAndLags(o: number, h: number, l: number, c: number, t: number, replace: boolean): void {
    const out = this.out;
    const st = this.streak;
    const hasPrev = t >= 1;
    const pC = this.pC;
    const body = c - o;
    const bodyRatio = this.cBodyRatio;
    const logRet = this.curLogRet;
    this.closes.update(c, replace);
    this.logRets.update(logRet, replace);
    this.bodyRatios.update(bodyRatio, replace);
    if (hasPrev) {
      out[I_RET1] = c / pC - 1;
      out[I_LOGRET1] = logRet;
      for (let j = 0; j < HORIZONS.length; j++) {
        const hz = HORIZONS[j]!;
        if (t >= hz) out[I_LOGRET_H[j]!] = Math.log(c / this.closes.ago(hz));
      }
      for (let j = 0; j < LAGS.length; j++) {
        const k = LAGS[j]!;
        if (t >= k + 1) out[I_LAG[j]!] = this.logRets.ago(k);
      }
      st[0] = c > pC ? (t === 1 ? 0 : st[4]!) + 1 : 0;
      st[1] = c < pC ? (t === 1 ? 0 : st[5]!) + 1 : 0;
      out[I_UPSTREAK] = st[0]!;
      out[I_DOWNSTREAK] = st[1]!;
      out[I_GAP] = o / pC - 1;
      const pH = this.pH;
      const pL = this.pL;
      out[I_INSIDE] = h <= pH && l >= pL ? 1 : 0;
      out[I_OUTSIDE] = h > pH && l < pL ? 1 : 0;
      out[I_HHLL] = h > pH && l > pL ? 1 : h < pH && l < pL ? -1 : 0;
      const ab = Math.abs(body);
      out[I_BGROWTH] = ratio(ab, ab + Math.abs(this.pBody), 0.5);
      out[I_BRLAG1] = this.pBodyRatio;
      if (t >= 2) out[I_BRLAG2] = this.bodyRatios.ago(2);
    }
  }

  /** Moving averages. */
  private movingAverages(c: number, replace: boolean): void {
    const out = this.out;
    for (let j = 0; j < MA_N.length; j++) {
      const s = this.sma[j]!.update(c, replace);
      const e = this.ema[j]!.update(c, replace);
      out[I_SMA[j]!] = s;
      out[I_EMA[j]!] = e;
      out[I_C2SMA[j]!] = c / s - 1;
      out[I_C2EMA[j]!] = c / e - 1;
    }
  }

  /** Ranges, volatility, channels. */
  private rangesAndBands(o: number, h: number, l: number, c: number, t: number, replace: boolean): void {
    const out = this.out;
    const hasPrev = t >= 1;
    const pC = this.pC;
    const range = h - l;
    const body = c - o;
    const atr = this.atr;
    if (hasPrev) {
      const tr = trueRange(h, l, pC);
      this.curTr = tr;
      out[I_TRANGE] = tr;
      const a = atr.update(tr, replace);
      out[I_ATR] = a;
      out[I_NATR] = atr.natr(c);
      if (a === a) {
        out[I_B2ATR] = ratio(body, a, 0);
        out[I_R2ATR] = ratio(range, a, 0);
      }
    }
    const vr = this.var20;
    vr.update(c, replace);
    out[I_STDDEV] = vr.std;
    const bbMid = vr.mean;
    if (bbMid === bbMid) {
      const sd = vr.variance < 1e-14 ? 0 : Math.sqrt(vr.variance);
      const dev = sd * 2;
      const up = bbMid + dev;
      const lo = bbMid - dev;
      out[I_BBU] = up;
      out[I_BBM] = bbMid;
      out[I_BBL] = lo;
      out[I_BBW] = (up - lo) / bbMid;
      out[I_BBP] = ratio(c - lo, up - lo, 0.5);
      out[I_ZCLOSE] = ratio(c - bbMid, vr.std, 0);
    }
    const hh20 = this.maxH20.update(h, replace);
    const ll20 = this.minL20.update(l, replace);
    out[I_MAXH20] = hh20;
    out[I_MINL20] = ll20;
    if (hh20 === hh20) out[I_DONCH] = ratio(c - ll20, hh20 - ll20, 0.5);
    const hh50 = this.maxH50.update(h, replace);
    const ll50 = this.minL50.update(l, replace);
    out[I_DHIGH50] = c / hh50 - 1;
    out[I_DLOW50] = c / ll50 - 1;
    const hh14 = this.maxH14.update(h, replace);
    const ll14 = this.minL14.update(l, replace);
    if (hh14 === hh14) {
      const diff = (hh14 - ll14) / -100;
      out[I_WILLR] = diff !== 0 ? (hh14 - c) / diff : 0;
    }
  }

  /** Volume. */
  private volumeFlow(h: number, l: number, c: number, v: number, replace: boolean): void {
    const out = this.out;
    const vs = this.volSma.update(v, replace);
    out[I_VSMA] = vs;
    if (vs === vs) out[I_VRATIO] = ratio(v, vs, 1);
    const vm = this.volMoments;
    vm.update(v, replace);
    if (vm.mean === vm.mean) out[I_VZ] = ratio(v - vm.mean, vm.std, 0);
    const flow = this.flow;
    flow.update(h, l, c, v, replace);
    out[I_OBV] = flow.obv;
    out[I_AD] = flow.ad;
    out[I_ADOSC] = flow.adosc;
  }

  /** Oscillators. */
  private oscillators(h: number, l: number, c: number, v: number, t: number, replace: boolean): void {
    const out = this.out;
    for (let j = 0; j < RSI_N.length; j++) out[I_RSI[j]!] = this.rsi[j]!.update(c, replace);
    const macd = this.macd;
    macd.update(c, replace);
    out[I_MACD] = macd.macd;
    out[I_MACDS] = macd.signal;
    out[I_MACDH] = macd.hist;
    out[I_MACDN] = macd.macd / c;
    out[I_MACDHN] = macd.hist / c;
    const stoch = this.stoch;
    stoch.update(h, l, c, replace);
    out[I_STOCHK] = stoch.k;
    out[I_STOCHD] = stoch.d;
    out[I_CCI] = this.cci.update(h, l, c, replace);
    if (t >= 10) {
      const c10 = this.closes.ago(10);
      out[I_ROC] = c10 !== 0 ? (c / c10 - 1) * 100 : 0;
      out[I_MOM] = c - c10;
    }
    out[I_MFI] = this.mfi.update(h, l, c, v, replace);
    const dmi = this.dmi;
    dmi.update(h, l, c, replace);
    out[I_ADX] = dmi.adxValue;
    out[I_PDI] = dmi.plusDi;
    out[I_MDI] = dmi.minusDi;
  }

  /** Return moments. */
  private returnMoments(t: number, replace: boolean): void {
    const out = this.out;
    const hasPrev = t >= 1;
    const logRet = this.curLogRet;
    if (hasPrev) {
      for (let j = 0; j < MOM_N.length; j++) {
        const m = this.retMoments[j]!;
        m.update(logRet, replace);
        out[I_RMEAN[j]!] = m.mean;
        out[I_RSTD[j]!] = m.std;
        out[I_RSKEW[j]!] = m.skew;
        out[I_RKURT[j]!] = m.kurt;
      }
    }
  }

  /** Multi-candle pattern sequences. */
  private sequences(o: number, c: number, replace: boolean): void {
    const out = this.out;
    const body = c - o;
    const bodyRatio = this.cBodyRatio;
    const dir = body > 0 ? 1 : body < 0 ? -1 : 0;
    out[I_DIRSUM3] = this.dir3.update(dir, replace);
    out[I_DIRSUM5] = this.dir5.update(dir, replace);
    const brAbs = this.brAbs10.update(Math.abs(bodyRatio), replace);
    out[I_BRABS10] = brAbs / 10;
    out[I_BRSUM3] = this.brSum3.update(bodyRatio, replace);
  }

  /** Market: volume imbalance, pressure. */
  private market(o: number, h: number, l: number, c: number, v: number, t: number, replace: boolean): void {
    const out = this.out;
    const hasPrev = t >= 1;
    const pC = this.pC;
    const range = h - l;
    const clv = ratio(c - l - (h - c), range, 0);
    const logRet = this.curLogRet;
    const tr = this.curTr;
    const cv20 = this.clvVol20.update(clv * v, replace);
    const v20 = this.vol20.update(v, replace);
    if (v20 === v20) out[I_VIMB20] = ratio(cv20, v20, 0);
    const cv50 = this.clvVol50.update(clv * v, replace);
    const v50 = this.vol50.update(v, replace);
    if (v50 === v50) out[I_VIMB50] = ratio(cv50, v50, 0);
    out[I_ZVOL] = this.zeroVol20.update(v === 0 ? 1 : 0, replace) / 20;
    out[I_FLAT] = this.flat20.update(range === 0 ? 1 : 0, replace) / 20;
    const lnHL = Math.log(h / l);
    this.cLnHL = lnHL;
    const park = this.park20.update(lnHL * lnHL, replace);
    if (park === park) out[I_PARK] = park > 0 ? Math.sqrt(park / 20 / (4 * LN2)) : 0;
    const lnCO = Math.log(c / o);
    const gk = this.gk20.update(0.5 * lnHL * lnHL - GK_C * lnCO * lnCO, replace);
    if (gk === gk) out[I_GK] = gk > 0 ? Math.sqrt(gk / 20) : 0;

    if (hasPrev) {
      const sgn = c > pC ? 1 : c < pC ? -1 : 0;
      const sv = this.signedVol20.update(sgn * v, replace);
      const vv = this.volR20.update(v, replace);
      if (sv === sv) out[I_SIGNED20] = ratio(sv, vv, 0);
      const bp = c - (l < pC ? l : pC);
      const ult = this.ultosc.update(bp, tr, replace);
      out[I_ULTOSC] = ult;
      const bpS = this.bp14.update(bp, replace);
      const trS = this.tr14.update(tr, replace);
      if (bpS === bpS) out[I_BUYP] = ratio(bpS, trS, 0.5);
      const ret1 = c / pC - 1;
      const fN = this.forceNum.update(ret1 * v, replace);
      const fD = this.forceDen.update(v, replace);
      if (fN === fN) out[I_FORCE] = ratio(fN, fD, 0);
      const r2 = logRet * logRet;
      const rs = this.r2short.update(r2, replace);
      const rl = this.r2long.update(r2, replace);
      if (rl === rl) out[I_VRATIO_20_100] = rl > 0 ? (rs > 0 ? Math.sqrt(rs / 20 / (rl / 100)) : 0) : 1;
      // volatility regime from ret_std_20
      const vol20 = out[I_RSTD[0]!]!;
      if (vol20 === vol20) {
        const rank = this.volRank.update(vol20, replace);
        if (rank === rank) {
          out[I_VRANK] = rank;
          out[I_VREGIME] = rank < 1 / 3 ? -1 : rank > 2 / 3 ? 1 : 0;
        }
      }
      // liquidity
      const ami = this.amihudSum.update(v > 0 ? (Math.abs(ret1) / (c * v)) * 1e6 : 0, replace);
      const amiN = this.amihudCount.update(v > 0 ? 1 : 0, replace);
      if (ami === ami) out[I_AMIHUD] = ratio(ami, amiN, 0);
      const pH = this.pH;
      const pL = this.pL;
      const l1 = this.pLnHL;
      const beta = lnHL * lnHL + l1 * l1;
      const g = Math.log((h > pH ? h : pH) / (l < pL ? l : pL));
      const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / CS_K - Math.sqrt((g * g) / CS_K);
      const ea = Math.exp(alpha);
      const spread = (2 * (ea - 1)) / (1 + ea);
      const cs = this.cs20.update(spread > 0 ? spread : 0, replace);
      if (cs === cs) out[I_CS] = cs / 20;
      const absDiff = this.absDiff10.update(Math.abs(c - pC), replace);
      if (absDiff === absDiff) out[I_ER] = ratio(Math.abs(c - this.closes.ago(10)), absDiff, 0);
      if (t >= 2) {
        const rPrev = this.logRets.ago(1);
        const sxy = this.rollXY.update(logRet * rPrev, replace);
        const sx = this.rollX.update(logRet, replace);
        const sy = this.rollY.update(rPrev, replace);
        if (sxy === sxy) {
          const cov = sxy / 20 - (sx / 20) * (sy / 20);
          out[I_ROLL] = cov < 0 ? 2 * Math.sqrt(-cov) : 0;
        }
      }
    }
  }

  /** GARCH conditional volatility. */
  private garchVol(replace: boolean): void {
    const out = this.out;
    const logRet = this.curLogRet;
    // GARCH: fed on every candle (NaN return for the first)
    const garch = this.garch;
    garch.update(logRet, replace);
    if (garch.vol === garch.vol) {
      out[I_GVOL] = garch.vol;
      out[I_GPERS] = garch.persistence;
      out[I_GRESID] = garch.stdResid;
      out[I_GVRATIO] = ratio(garch.vol, out[I_RSTD[0]!]!, 1);
    }
  }

  /** Current MODEL_FEATURE_NAMES values (NaN = missing). */
  modelInputs(out: Float64Array = new Float64Array(NM)): Float64Array {
    const src = this.out;
    for (let j = 0; j < NM; j++) out[j] = src[MODEL_IDX[j]!]!;
    return out;
  }

  /** Approximate bytes of state held (typed arrays plus 8 bytes per numeric field). */
  stateBytes(): number {
    return approxStateBytes(this);
  }
}

export { computeFeatures, modelFeatureMatrix } from './batch';
