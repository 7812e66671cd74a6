import { HORIZONS, type Horizon, type HorizonKey, type HorizonPrediction } from './types';
import { spearman } from './stats';

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
  /** Share of scored predictions whose direction was right (null before any is scored). */
  hitRate: number | null;
  /** Spearman correlation of predicted vs realised log return (null with fewer than 10 scored). */
  ic: number | null;
  /** Share of realised closes inside the 80% interval. */
  coverage: number | null;
}

/** IC needs a few points to mean anything. */
const MIN_FOR_IC = 10;

/** Hit rate, IC and 80%-interval coverage of scored predictions of one horizon. */
export function scoreHorizon(horizon: number, scored: readonly ScoredPrediction[]): HorizonScore {
  const n = scored.length;
  if (n === 0) return { horizon, scored: 0, hitRate: null, ic: null, coverage: null };
  let hits = 0;
  let covered = 0;
  for (const p of scored) {
    if (Math.sign(p.predictedReturn) === Math.sign(p.realizedReturn) && p.realizedReturn !== 0) hits++;
    if (p.realizedClose >= p.lower && p.realizedClose <= p.upper) covered++;
  }
  const ic =
    n >= MIN_FOR_IC
      ? spearman(
          scored.map((p) => p.predictedReturn),
          scored.map((p) => p.realizedReturn),
        )
      : null;
  return { horizon, scored: n, hitRate: hits / n, ic, coverage: covered / n };
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
        const s: ScoredPrediction = { ...p, realizedClose: close, realizedReturn: Math.log(close / p.close) };
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
