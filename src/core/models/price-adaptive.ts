/**
 * Adaptive calibration of one stream's price predictions: intervals by online quantile tracking, a successor
 * of adaptive conformal inference (Gibbs & Candès 2021, "Adaptive Conformal Inference Under Distribution
 * Shift"; the quantile-tracking form of Angelopoulos, Candès & Tibshirani 2023, "Conformal PID Control"), and
 * confidence by an online bias correction; one state per horizon, starting from the trained calibration.
 *
 * Time is counted in candles: `observeClose(close)` is called once per closed candle, in order; it scores the
 * predictions whose horizon ends at that candle (made h candles earlier) and only then moves the state. A
 * prediction served at a candle therefore depends on outcomes realised at or before that candle's close and
 * on nothing later. The CLI (batch) and the worker (stream) both drive this class, row by row.
 *
 * Interval, in z units (log return / vol_h): [ret/vol_h + q_lo + dLo, ret/vol_h + q_hi + dHi]. When a realised
 * z falls below the lower end, dLo steps down by eta * w * (1 - 0.1), else up by eta * w * 0.1 (likewise for
 * the upper end), so each side misses 10% of the time in the long run whatever the market (w: half the
 * trained interval width).
 * Confidence of a claimed prediction: curve(|ret| / vol_h) + b, clamped to [0.01, 0.99]; b += (gamma / h) * (hit - conf).
 * The step is divided by the horizon because consecutive h-candle outcomes overlap by h - 1 candles: about one
 * independent outcome arrives every h candles, and a full step per candle made b wander with the shared noise
 * (on the OKX 1m file it drove the confidence error at h = 15 and 60 to 0.047; with gamma / h, 0.028 and 0.011).
 */
import { interpolateConfidence } from './price-calibration';
import type { HorizonParams, PriceHorizon } from './price-ensemble-params';

export const ADAPT_ETA = 0.03;
export const ADAPT_GAMMA = 0.005;
/** Each side of the 80% interval should miss 10% of the outcomes. */
export const MISS_RATE_PER_SIDE = 0.1;

export interface ServeInput {
  /** Predicted log return after shrinking (ignored when abstaining). */
  ret: number;
  volH: number;
  claimed: boolean;
}

export interface Served {
  ret: number;
  /** Interval of the log return. */
  lo: number;
  hi: number;
  confidence: number;
}

interface Pending {
  due: number;
  ret: number;
  lo: number;
  hi: number;
  volH: number;
  close: number;
  claimed: boolean;
  confidence: number;
}

export interface HorizonAdaptiveState {
  dLo: number;
  dHi: number;
  bias: number;
  scored: number;
  covered: number;
}

class HorizonState {
  dLo = 0;
  dHi = 0;
  bias = 0;
  scored = 0;
  covered = 0;
  readonly pending: Pending[] = [];
  constructor(
    readonly h: number,
    readonly params: HorizonParams,
  ) {}
}

export class AdaptiveCalibration {
  private closes = 0;
  private readonly states = new Map<PriceHorizon, HorizonState>();

  constructor(horizons: Readonly<Record<PriceHorizon, HorizonParams>>) {
    for (const [h, p] of Object.entries(horizons) as Array<[PriceHorizon, HorizonParams]>) {
      this.states.set(h, new HorizonState(Number(h), p));
    }
  }

  /** Candles closed so far. */
  get candles(): number {
    return this.closes;
  }

  /** A candle closed at `close`: scores the predictions due now and adapts. */
  observeClose(close: number): void {
    this.closes++;
    for (const s of this.states.values()) {
      while (s.pending.length > 0 && s.pending[0]!.due <= this.closes) {
        const p = s.pending.shift()!;
        const y = Math.log(close / p.close);
        if (!Number.isFinite(y)) continue;
        const w = (s.params.interval.q_hi - s.params.interval.q_lo) / 2;
        const missLo = y < p.lo ? 1 : 0;
        const missHi = y > p.hi ? 1 : 0;
        s.dLo -= ADAPT_ETA * w * (missLo - MISS_RATE_PER_SIDE);
        s.dHi += ADAPT_ETA * w * (missHi - MISS_RATE_PER_SIDE);
        s.scored++;
        if (!missLo && !missHi) s.covered++;
        if (p.claimed) {
          const hit = (p.ret > 0 && y > 0) || (p.ret < 0 && y < 0) ? 1 : 0;
          s.bias += (ADAPT_GAMMA / s.h) * (hit - p.confidence);
        }
      }
    }
  }

  /** What to serve now for horizon h (no state change). */
  serve(h: PriceHorizon, input: ServeInput): Served {
    const s = this.states.get(h)!;
    const base = input.claimed ? s.params.interval : s.params.interval_zero;
    const ret = input.claimed ? input.ret : 0;
    const lo = ret + (base.q_lo + s.dLo) * input.volH;
    const hi = ret + Math.max(base.q_hi + s.dHi, base.q_lo + s.dLo) * input.volH;
    const confidence = input.claimed
      ? Math.min(0.99, Math.max(0.01, interpolateConfidence(Math.abs(ret) / input.volH, s.params.confidence) + s.bias))
      : 0.5;
    return { ret, lo, hi, confidence };
  }

  /** Registers what was served at the candle that just closed (after observeClose of that candle). */
  commit(h: PriceHorizon, served: Served, close: number, volH: number, claimed: boolean): void {
    const s = this.states.get(h)!;
    s.pending.push({ due: this.closes + s.h, ...served, volH, close, claimed });
  }

  /** Running state per horizon (offsets in z units, confidence bias, realised coverage so far). */
  snapshot(): Record<PriceHorizon, HorizonAdaptiveState> {
    const out = {} as Record<PriceHorizon, HorizonAdaptiveState>;
    for (const [h, s] of this.states) {
      out[h] = { dLo: s.dLo, dHi: s.dHi, bias: s.bias, scored: s.scored, covered: s.covered };
    }
    return out;
  }
}
