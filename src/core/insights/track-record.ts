import { HORIZONS, type Horizon, type HorizonKey, type HorizonPrediction } from './types';
import { spearman } from './stats';
import { directionHit, realizedLogReturn } from './scoring';

/** One prediction made at a candle's close, waiting for its horizon to pass. */
export interface PendingPrediction {
  time: number;
  horizon: Horizon;
  close: number;
  predictedReturn: number;
  lower: number;
  upper: number;
  confidence: number;
}

/** A prediction whose horizon has passed, with what really happened. */
export interface ScoredPrediction extends PendingPrediction {
  realizedClose: number;
  realizedReturn: number;
}

/** Live track record of one horizon: predictions scored once their horizon has passed. */
export interface HorizonScore {
  horizon: number;
  scored: number;
  /** Scored predictions that claimed skill (an abstention has a predicted return of exactly 0). */
  claimed: number;
  /** Over claimed predictions. */
  hitRate: number | null;
  /** Over claimed predictions. */
  ic: number | null;
  /** Over every scored prediction (abstentions keep an interval). */
  coverage: number | null;
  /** Expected calibration error of the claimed confidences (10 equal-count bins); null under 20 claimed. */
  calibrationError: number | null;
}

/** Expected calibration error over up to 10 equal-count bins of confidence. */
export function calibrationError(conf: readonly number[], hit: readonly number[]): number {
  const order = conf.map((_, i) => i).sort((a, b) => conf[a]! - conf[b]!);
  const bins = Math.min(10, order.length);
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (part.length === 0) continue;
    const c = part.reduce((s, i) => s + conf[i]!, 0) / part.length;
    const h = part.reduce((s, i) => s + hit[i]!, 0) / part.length;
    total += (part.length / order.length) * Math.abs(c - h);
  }
  return total;
}

/** IC needs a few points to mean anything. */
const MIN_FOR_IC = 10;

/** IC, hit rate and calibration of the claimed predictions, 80%-interval coverage of all, for one horizon. */
export function scoreHorizon(horizon: number, scored: readonly ScoredPrediction[]): HorizonScore {
  const n = scored.length;
  const empty = { horizon, scored: n, claimed: 0, hitRate: null, ic: null, coverage: null, calibrationError: null };
  if (n === 0) return empty;
  let covered = 0;
  for (const p of scored) if (p.realizedClose >= p.lower && p.realizedClose <= p.upper) covered++;
  const claimed = scored.filter((p) => p.predictedReturn !== 0);
  const hit = claimed.map((p) => (directionHit(p.predictedReturn, p.realizedReturn) ? 1 : 0));
  const m = claimed.length;
  return {
    ...empty,
    coverage: covered / n,
    claimed: m,
    hitRate: m > 0 ? hit.reduce((s: number, x) => s + x, 0) / m : null,
    ic:
      m >= MIN_FOR_IC
        ? spearman(
            claimed.map((p) => p.predictedReturn),
            claimed.map((p) => p.realizedReturn),
          )
        : null,
    calibrationError:
      m >= 20
        ? calibrationError(
            claimed.map((p) => p.confidence),
            hit,
          )
        : null,
  };
}

/**
 * Scores one stream's predictions as candles close. Horizons count candles, so a prediction made at the
 * close of candle i is scored at the close of candle i + h (a gap in the data does not shift it). Keeps the
 * last `window` scored predictions per horizon for rolling metrics.
 */
export class TrackRecorder {
  private closes = 0;
  private readonly pending = new Map<Horizon, Array<PendingPrediction & { dueAt: number }>>();
  private readonly scored = new Map<Horizon, ScoredPrediction[]>();

  constructor(private readonly window = 500) {
    for (const h of HORIZONS) {
      this.pending.set(h, []);
      this.scored.set(h, []);
    }
  }

  /**
   * Call at every candle close, with the predictions made at that close (if any). Returns the predictions
   * that this close completed, so the caller can persist them.
   */
  onClose(
    time: number,
    close: number,
    predictions: Partial<Record<HorizonKey, HorizonPrediction>> | null,
  ): ScoredPrediction[] {
    this.closes++;
    const done: ScoredPrediction[] = [];
    for (const h of HORIZONS) {
      const queue = this.pending.get(h)!;
      while (queue.length > 0 && queue[0]!.dueAt <= this.closes) {
        const { dueAt: _dueAt, ...p } = queue.shift()!;
        const s: ScoredPrediction = { ...p, realizedClose: close, realizedReturn: realizedLogReturn(p.close, close) };
        const list = this.scored.get(h)!;
        list.push(s);
        if (list.length > this.window) list.shift();
        done.push(s);
      }
      const prediction = predictions?.[String(h) as HorizonKey];
      if (prediction) {
        queue.push({
          time,
          horizon: h,
          close,
          predictedReturn: prediction.return,
          lower: prediction.lower,
          upper: prediction.upper,
          confidence: prediction.confidence,
          dueAt: this.closes + h,
        });
      }
    }
    return done;
  }

  scores(): HorizonScore[] {
    return HORIZONS.map((h) => scoreHorizon(h, this.scored.get(h)!));
  }
}
