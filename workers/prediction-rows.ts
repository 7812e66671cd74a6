import type { SeriesKey } from '../src/core/candles/series-key';
import { scoreHorizon, type HorizonScore, type ScoredPrediction } from '../src/core/insights/track-record';
import { HORIZONS, type Horizon, type Insight } from '../src/core/insights/types';
import type { PredictionInput, PredictionRecord } from '../src/store/prediction-store';

/**
 * How an Insight's price predictions are kept in IndexedDB (src/store/prediction-store.ts) and read back: one
 * row per horizon, in log returns relative to the candle's close (the interval bounds too), so a stored row
 * needs no price to be scored.
 */
export function predictionRows(key: SeriesKey, insight: Insight): PredictionInput[] {
  return Object.entries(insight.price_predictions).map(([h, p]) => ({
    ...key,
    time: insight.time,
    horizon: Number(h),
    predictedReturn: p.return,
    lower: Math.log(p.lower / insight.current_price),
    upper: Math.log(p.upper / insight.current_price),
    confidence: p.confidence,
  }));
}

/**
 * A stored row scored at `horizon`, as the track record scores it: prices relative to a close of 1 (so the
 * interval bounds and the realised close are the exponentials of the stored log returns).
 */
export function scoredFromRow(row: PredictionRecord & { realized: number }, horizon: Horizon): ScoredPrediction {
  return {
    time: row.time,
    horizon,
    close: 1,
    predictedReturn: row.predictedReturn,
    lower: Math.exp(row.lower),
    upper: Math.exp(row.upper),
    confidence: row.confidence,
    realizedClose: Math.exp(row.realized),
    realizedReturn: row.realized,
  };
}

/** The track record of every horizon over stored rows (rows not scored yet are left out). */
export function scoreRows(rows: readonly PredictionRecord[]): HorizonScore[] {
  const scored = rows.filter((r): r is PredictionRecord & { realized: number } => r.realized !== null);
  return HORIZONS.map((h) =>
    scoreHorizon(
      h,
      scored.filter((r) => r.horizon === h).map((r) => scoredFromRow(r, h)),
    ),
  );
}
