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
import { MARKET, NF, PATTERN, TECHNICAL } from './columns';
import { ratio as ratioFn } from './ratio';
import {
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
} from './registry';

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
const ratio = ratioFn;
const T = TECHNICAL;
const P = PATTERN;
const M = MARKET;

const LN2 = Math.LN2;
const CS_K = 3 - 2 * Math.SQRT2;
const GK_C = 2 * LN2 - 1;

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
  // per-update values several sections read, computed once in step()
  private curLogRet = NaN;
  private curTr = NaN;
  private curBp = NaN; // buying pressure close - min(low, prev close)
  private curDir = 0;
  private curClv = 0;
  private curAtr = NaN;
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

  /** Same as update() with the candle's fields passed directly. */
  step(o: number, h: number, l: number, c: number, v: number, replace = false): Float64Array {
    // Reject bad input before touching any state (a NaN would poison every running total).
    checkEngineCandle(o, h, l, c, v);
    if (this.n === 0) replace = false;
    this.out.fill(NaN);
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

    // Values several groups read, computed once per update.
    const pC = this.pC;
    const range = h - l;
    const body = c - o;
    const bodyRatio = ratio(body, range, 0);
    this.cBodyRatio = bodyRatio;
    this.cBody = body;
    this.curDir = body > 0 ? 1 : body < 0 ? -1 : 0;
    this.curClv = ratio(c - l - (h - c), range, 0);
    this.curLogRet = t >= 1 ? Math.log(c / pC) : NaN;
    this.curTr = t >= 1 ? trueRange(h, l, pC) : NaN;
    this.curBp = t >= 1 ? c - (l < pC ? l : pC) : NaN;
    this.closes.update(c, replace);
    this.logRets.update(this.curLogRet, replace);
    this.bodyRatios.update(bodyRatio, replace);

    // technical group (pattern and market read atr_14 and ret_std_20 from it)
    this.technicalReturns(o, h, l, c, t);
    this.technicalAverages(c, replace);
    this.technicalBands(h, l, c, t, replace);
    this.technicalVolume(h, l, c, v, replace);
    this.technicalOscillators(h, l, c, v, t, replace);
    this.technicalMoments(t, replace);
    // pattern group
    this.patternShape(o, h, l, c, t);
    this.patternRelations(o, h, l, c, t);
    this.patternSequences(replace);
    // market group
    this.marketFlow(o, h, l, c, v, t, replace);
    this.marketVolatility(o, h, l, c, t, replace);
    this.marketLiquidity(h, l, c, v, t, replace);
    this.marketGarch(replace);
    return this.out;
  }

  /** technical: returns over horizons and their lags, raw candle measures. */
  private technicalReturns(o: number, h: number, l: number, c: number, t: number): void {
    const out = this.out;
    const range = h - l;
    const body = c - o;
    out[T.range] = range;
    out[T.rangePct] = range / c;
    out[T.body] = body;
    out[T.bodyPct] = body / o;
    out[T.upperShadow] = h - (o > c ? o : c);
    out[T.lowerShadow] = (o < c ? o : c) - l;
    out[T.highLowRatio] = h / l - 1;
    if (t >= 1) {
      out[T.ret1] = c / this.pC - 1;
      out[T.logRet1] = this.curLogRet;
      for (let j = 0; j < HORIZONS.length; j++) {
        const hz = HORIZONS[j]!;
        if (t >= hz) out[T.logRetH[j]!] = Math.log(c / this.closes.ago(hz));
      }
      for (let j = 0; j < LAGS.length; j++) {
        const k = LAGS[j]!;
        if (t >= k + 1) out[T.logRetLag[j]!] = this.logRets.ago(k);
      }
    }
  }

  /** technical: moving averages of close. */
  private technicalAverages(c: number, replace: boolean): void {
    const out = this.out;
    for (let j = 0; j < MA_N.length; j++) {
      const s = this.sma[j]!.update(c, replace);
      const e = this.ema[j]!.update(c, replace);
      out[T.sma[j]!] = s;
      out[T.ema[j]!] = e;
      out[T.closeToSma[j]!] = c / s - 1;
      out[T.closeToEma[j]!] = c / e - 1;
    }
  }

  /** technical: true range and ATR, Bollinger bands, channels. */
  private technicalBands(h: number, l: number, c: number, t: number, replace: boolean): void {
    const out = this.out;
    const atr = this.atr;
    this.curAtr = NaN;
    if (t >= 1) {
      const tr = this.curTr;
      out[T.trange] = tr;
      const a = atr.update(tr, replace);
      this.curAtr = a;
      out[T.atr] = a;
      out[T.natr] = atr.natr(c);
    }
    const vr = this.var20;
    const variance = vr.update(c, replace);
    out[T.stddev] = vr.std;
    const bbMid = vr.mean;
    if (bbMid === bbMid) {
      const sd = variance < 1e-14 ? 0 : Math.sqrt(variance);
      const dev = sd * 2;
      const up = bbMid + dev;
      const lo = bbMid - dev;
      out[T.bbUpper] = up;
      out[T.bbMiddle] = bbMid;
      out[T.bbLower] = lo;
      out[T.bbWidth] = (up - lo) / bbMid;
      out[T.bbPctB] = ratio(c - lo, up - lo, 0.5);
      out[T.zscoreClose] = ratio(c - bbMid, vr.std, 0);
    }
    const hh20 = this.maxH20.update(h, replace);
    const ll20 = this.minL20.update(l, replace);
    out[T.maxHigh20] = hh20;
    out[T.minLow20] = ll20;
    if (hh20 === hh20) out[T.donchianPos] = ratio(c - ll20, hh20 - ll20, 0.5);
    const hh50 = this.maxH50.update(h, replace);
    const ll50 = this.minL50.update(l, replace);
    out[T.distHigh50] = c / hh50 - 1;
    out[T.distLow50] = c / ll50 - 1;
  }

  /** technical: volume average, ratio, z-score and OBV (the flow kernel also holds market's AD/ADOSC). */
  private technicalVolume(h: number, l: number, c: number, v: number, replace: boolean): void {
    const out = this.out;
    const vs = this.volSma.update(v, replace);
    out[T.volumeSma] = vs;
    if (vs === vs) out[T.volumeRatio] = ratio(v, vs, 1);
    const vm = this.volMoments;
    const vMean = vm.update(v, replace);
    if (vMean === vMean) out[T.volumeZ] = ratio(v - vMean, vm.std, 0);
    out[T.obv] = this.flow.update(h, l, c, v, replace);
  }

  /** technical: RSI, MACD, stochastic, CCI, ROC/MOM, Williams %R, MFI, DMI/ADX, ultimate oscillator. */
  private technicalOscillators(h: number, l: number, c: number, v: number, t: number, replace: boolean): void {
    const out = this.out;
    for (let j = 0; j < RSI_N.length; j++) out[T.rsi[j]!] = this.rsi[j]!.update(c, replace);
    const macd = this.macd;
    const line = macd.update(c, replace);
    out[T.macd] = line;
    out[T.macdSignal] = macd.signal;
    out[T.macdHist] = macd.hist;
    out[T.macdNorm] = line / c;
    out[T.macdHistNorm] = macd.hist / c;
    const stoch = this.stoch;
    out[T.stochK] = stoch.update(h, l, c, replace);
    out[T.stochD] = stoch.d;
    out[T.cci] = this.cci.update(h, l, c, replace);
    if (t >= 10) {
      const c10 = this.closes.ago(10);
      out[T.roc] = c10 !== 0 ? (c / c10 - 1) * 100 : 0;
      out[T.mom] = c - c10;
    }
    const hh14 = this.maxH14.update(h, replace);
    const ll14 = this.minL14.update(l, replace);
    if (hh14 === hh14) {
      const diff = (hh14 - ll14) / -100;
      out[T.willr] = diff !== 0 ? (hh14 - c) / diff : 0;
    }
    out[T.mfi] = this.mfi.update(h, l, c, v, replace);
    const dmi = this.dmi;
    out[T.adx] = dmi.update(h, l, c, replace);
    out[T.plusDi] = dmi.plusDi;
    out[T.minusDi] = dmi.minusDi;
    if (t >= 1) out[T.ultosc] = this.ultosc.update(this.curBp, this.curTr, replace);
  }

  /** technical: rolling moments of log_ret_1. */
  private technicalMoments(t: number, replace: boolean): void {
    const out = this.out;
    const logRet = this.curLogRet;
    if (t >= 1) {
      for (let j = 0; j < MOM_N.length; j++) {
        const m = this.retMoments[j]!;
        out[T.retMean[j]!] = m.update(logRet, replace);
        out[T.retStd[j]!] = m.std;
        out[T.retSkew[j]!] = m.skew;
        out[T.retKurt[j]!] = m.kurt;
      }
    }
  }

  /** pattern: scale-free shape of this candle, its body and range against ATR, bull/bear streaks. */
  private patternShape(o: number, h: number, l: number, c: number, t: number): void {
    const out = this.out;
    const st = this.streak;
    const range = h - l;
    const body = c - o;
    const top = o > c ? o : c;
    const bot = o < c ? o : c;
    out[P.bodyRatio] = this.cBodyRatio;
    out[P.upperShadowRatio] = ratio(h - top, range, 0);
    out[P.lowerShadowRatio] = ratio(bot - l, range, 0);
    out[P.closePos] = ratio(c - l, range, 0.5);
    out[P.normOpen] = o / c - 1;
    out[P.normHigh] = h / c - 1;
    out[P.normLow] = l / c - 1;
    const a = this.curAtr;
    if (a === a) {
      out[P.bodyToAtr] = ratio(body, a, 0);
      out[P.rangeToAtr] = ratio(range, a, 0);
    }
    const dir = this.curDir;
    out[P.direction] = dir;
    st[2] = dir > 0 ? (t === 0 ? 0 : st[6]!) + 1 : 0;
    st[3] = dir < 0 ? (t === 0 ? 0 : st[7]!) + 1 : 0;
    out[P.bullStreak] = st[2]!;
    out[P.bearStreak] = st[3]!;
  }

  /** pattern: relations to the previous candle (streaks of closes, gap, inside/outside bars, body lags). */
  private patternRelations(o: number, h: number, l: number, c: number, t: number): void {
    if (t < 1) return;
    const out = this.out;
    const st = this.streak;
    const pC = this.pC;
    st[0] = c > pC ? (t === 1 ? 0 : st[4]!) + 1 : 0;
    st[1] = c < pC ? (t === 1 ? 0 : st[5]!) + 1 : 0;
    out[P.upStreak] = st[0]!;
    out[P.downStreak] = st[1]!;
    out[P.gapPct] = o / pC - 1;
    const pH = this.pH;
    const pL = this.pL;
    out[P.insideBar] = h <= pH && l >= pL ? 1 : 0;
    out[P.outsideBar] = h > pH && l < pL ? 1 : 0;
    out[P.hhLl] = h > pH && l > pL ? 1 : h < pH && l < pL ? -1 : 0;
    const ab = Math.abs(c - o);
    out[P.bodyGrowth] = ratio(ab, ab + Math.abs(this.pBody), 0.5);
    out[P.bodyRatioLag1] = this.pBodyRatio;
    if (t >= 2) out[P.bodyRatioLag2] = this.bodyRatios.ago(2);
  }

  /** pattern: multi-candle sums of direction and body ratio. */
  private patternSequences(replace: boolean): void {
    const out = this.out;
    const dir = this.curDir;
    const bodyRatio = this.cBodyRatio;
    out[P.dirSum3] = this.dir3.update(dir, replace);
    out[P.dirSum5] = this.dir5.update(dir, replace);
    const brAbs = this.brAbs10.update(Math.abs(bodyRatio), replace);
    out[P.bodyRatioAbsMean10] = brAbs / 10;
    out[P.bodyRatioSum3] = this.brSum3.update(bodyRatio, replace);
  }

  /** market: close location, volume imbalance, accumulation/distribution, pressure, force. */
  private marketFlow(o: number, h: number, l: number, c: number, v: number, t: number, replace: boolean): void {
    const out = this.out;
    const range = h - l;
    const clv = this.curClv;
    out[M.clv] = clv;
    out[M.bop] = range < EPS ? 0 : (c - o) / range;
    out[M.ad] = this.flow.ad;
    out[M.adosc] = this.flow.adosc;
    const cv20 = this.clvVol20.update(clv * v, replace);
    const v20 = this.vol20.update(v, replace);
    if (v20 === v20) out[M.volImbalance20] = ratio(cv20, v20, 0);
    const cv50 = this.clvVol50.update(clv * v, replace);
    const v50 = this.vol50.update(v, replace);
    if (v50 === v50) out[M.volImbalance50] = ratio(cv50, v50, 0);
    out[M.zeroVolumeFrac] = this.zeroVol20.update(v === 0 ? 1 : 0, replace) / 20;
    out[M.flatFrac] = this.flat20.update(range === 0 ? 1 : 0, replace) / 20;
    if (t >= 1) {
      const pC = this.pC;
      const sgn = c > pC ? 1 : c < pC ? -1 : 0;
      const sv = this.signedVol20.update(sgn * v, replace);
      const vv = this.volR20.update(v, replace);
      if (sv === sv) out[M.signedVolume20] = ratio(sv, vv, 0);
      const bpS = this.bp14.update(this.curBp, replace);
      const trS = this.tr14.update(this.curTr, replace);
      if (bpS === bpS) out[M.buyPressure] = ratio(bpS, trS, 0.5);
      const ret1 = c / pC - 1;
      const fN = this.forceNum.update(ret1 * v, replace);
      const fD = this.forceDen.update(v, replace);
      if (fN === fN) out[M.forceIndex] = ratio(fN, fD, 0);
    }
  }

  /** market: range-based and realized volatility estimators, volatility regime. */
  private marketVolatility(o: number, h: number, l: number, c: number, t: number, replace: boolean): void {
    const out = this.out;
    const lnHL = Math.log(h / l);
    this.cLnHL = lnHL;
    const park = this.park20.update(lnHL * lnHL, replace);
    if (park === park) out[M.parkinsonVol] = park > 0 ? Math.sqrt(park / 20 / (4 * LN2)) : 0;
    const lnCO = Math.log(c / o);
    const gk = this.gk20.update(0.5 * lnHL * lnHL - GK_C * lnCO * lnCO, replace);
    if (gk === gk) out[M.gkVol] = gk > 0 ? Math.sqrt(gk / 20) : 0;
    if (t >= 1) {
      const logRet = this.curLogRet;
      const r2 = logRet * logRet;
      const rs = this.r2short.update(r2, replace);
      const rl = this.r2long.update(r2, replace);
      if (rl === rl) out[M.volRatio20to100] = rl > 0 ? (rs > 0 ? Math.sqrt(rs / 20 / (rl / 100)) : 0) : 1;
      // volatility regime from ret_std_20
      const vol20 = out[T.retStd[0]!]!;
      if (vol20 === vol20) {
        const rank = this.volRank.update(vol20, replace);
        if (rank === rank) {
          out[M.volRank] = rank;
          out[M.volRegime] = rank < 1 / 3 ? -1 : rank > 2 / 3 ? 1 : 0;
        }
      }
    }
  }

  /** market: liquidity (Amihud, Corwin-Schultz and Roll spreads) and the efficiency ratio. */
  private marketLiquidity(h: number, l: number, c: number, v: number, t: number, replace: boolean): void {
    if (t < 1) return;
    const out = this.out;
    const pC = this.pC;
    const logRet = this.curLogRet;
    const ret1 = c / pC - 1;
    const ami = this.amihudSum.update(v > 0 ? (Math.abs(ret1) / (c * v)) * 1e6 : 0, replace);
    const amiN = this.amihudCount.update(v > 0 ? 1 : 0, replace);
    if (ami === ami) out[M.amihud] = ratio(ami, amiN, 0);
    const pH = this.pH;
    const pL = this.pL;
    const lnHL = this.cLnHL;
    const l1 = this.pLnHL;
    const beta = lnHL * lnHL + l1 * l1;
    const g = Math.log((h > pH ? h : pH) / (l < pL ? l : pL));
    const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / CS_K - Math.sqrt((g * g) / CS_K);
    const ea = Math.exp(alpha);
    const spread = (2 * (ea - 1)) / (1 + ea);
    const cs = this.cs20.update(spread > 0 ? spread : 0, replace);
    if (cs === cs) out[M.csSpread] = cs / 20;
    const absDiff = this.absDiff10.update(Math.abs(c - pC), replace);
    if (absDiff === absDiff) out[M.efficiencyRatio] = ratio(Math.abs(c - this.closes.ago(10)), absDiff, 0);
    if (t >= 2) {
      const rPrev = this.logRets.ago(1);
      const sxy = this.rollXY.update(logRet * rPrev, replace);
      const sx = this.rollX.update(logRet, replace);
      const sy = this.rollY.update(rPrev, replace);
      if (sxy === sxy) {
        const cov = sxy / 20 - (sx / 20) * (sy / 20);
        out[M.rollSpread] = cov < 0 ? 2 * Math.sqrt(-cov) : 0;
      }
    }
  }

  /** market: GARCH(1,1) conditional volatility (fed on every candle, a NaN return for the first). */
  private marketGarch(replace: boolean): void {
    const out = this.out;
    const garch = this.garch;
    const vol = garch.update(this.curLogRet, replace);
    if (vol === vol) {
      out[M.garchVol] = vol;
      out[M.garchPersistence] = garch.persistence;
      out[M.garchStdResid] = garch.stdResid;
      out[M.garchVolRatio] = ratio(vol, out[T.retStd[0]!]!, 1);
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
