/**
 * Out-of-distribution check of the price inputs, two parts (the Python twin, with the reasons for both, is
 * training/ensemble/ood.py):
 * - the score: FreqAI's dissimilarity index (freqtrade, freqai/data_kitchen.py `compute_DI_values`), the mean
 *   Euclidean distance from the current standardized input vector to a reference sample of training points,
 *   divided by the mean pairwise distance within that sample; flagged above the threshold chosen on held-out rows
 *   (a high quantile of the score there);
 * - the pace: the volatility level ln(sigma / sqrt(timeframe minutes)) outside the range the training rows span.
 *   The regime inputs are all scaled by sigma, so the score alone cannot see a market that moves faster than any
 *   trained on.
 * Flagged, the stream is out of distribution and every horizon abstains.
 */
import { isTimeframe, timeframeMs } from '../candles/timeframe';
import type { OodParams } from './price-ensemble-params';

/** Why a row is out of distribution: its inputs are far from the training sample, or its pace is out of range. */
export type OodReason = 'dissimilar' | 'volatility';

export interface OodResult {
  /** The dissimilarity index. */
  score: number;
  flag: boolean;
  /** null when not flagged. */
  reason: OodReason | null;
}

/**
 * ln(sigma / sqrt(timeframe minutes)): how fast the market moves per minute, comparable across timeframes; null for
 * a timeframe the check cannot place (then only the dissimilarity index judges).
 */
export function volatilityLevel(sigma: number, timeframe: string): number | null {
  if (!isTimeframe(timeframe)) return null;
  return Math.log(sigma) - 0.5 * Math.log(timeframeMs(timeframe) / 60_000);
}

export class OodScorer {
  private readonly cols: Int32Array;
  private readonly z: Float64Array;
  private readonly points: number;
  /** The params' center, scale and sample as typed arrays (same doubles; the score runs over every candle). */
  private readonly center: Float64Array;
  private readonly scale: Float64Array;
  private readonly sample: Float64Array;

  constructor(
    private readonly params: OodParams,
    inputNames: readonly string[],
  ) {
    this.cols = Int32Array.from(
      params.features.map((f) => {
        const i = inputNames.indexOf(f);
        if (i < 0) throw new Error(`OOD feature "${f}" is not a price input`);
        return i;
      }),
    );
    this.z = new Float64Array(this.cols.length);
    this.points = params.sample.length / this.cols.length;
    this.center = Float64Array.from(params.center);
    this.scale = Float64Array.from(params.scale);
    this.sample = Float64Array.from(params.sample);
  }

  /** Score of one input row (`inputs[offset ..]`); a missing input counts as the training median. */
  score(inputs: ArrayLike<number>, offset = 0): number {
    const d = this.cols.length;
    const { center, scale, sample } = this;
    for (let j = 0; j < d; j++) {
      const v = (inputs[offset + this.cols[j]!]! - center[j]!) / scale[j]!;
      this.z[j] = Number.isFinite(v) ? v : 0;
    }
    let total = 0;
    for (let p = 0, k = 0; p < this.points; p++) {
      let ss = 0;
      for (let j = 0; j < d; j++, k++) {
        const diff = this.z[j]! - sample[k]!;
        ss += diff * diff;
      }
      total += Math.sqrt(ss);
    }
    return total / this.points / this.params.mean_pairwise;
  }

  /** The check of one row; `volLevel` from `volatilityLevel` (NaN counts as out of range, null skips it). */
  evaluate(inputs: ArrayLike<number>, offset: number, volLevel: number | null): OodResult {
    const score = this.score(inputs, offset);
    const { min, max } = this.params.volatility;
    const reason: OodReason | null = !(score <= this.params.threshold)
      ? 'dissimilar'
      : volLevel !== null && !(volLevel >= min && volLevel <= max)
        ? 'volatility'
        : null;
    return { score, flag: reason !== null, reason };
  }
}
