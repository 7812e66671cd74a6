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
    const { center, scale, sample, z, points } = this;
    for (let j = 0; j < d; j++) {
      const v = (inputs[offset + this.cols[j]!]! - center[j]!) / scale[j]!;
      z[j] = Number.isFinite(v) ? v : 0;
    }
    // Four sample points at a time: four independent sums keep the CPU's pipeline full (one sum is a chain of
    // dependent additions). Each point's squared distance still adds its coordinates in order and the distances
    // are summed in point order, so the score is bit-identical to one point at a time (tests/unit/predictor/ood.test.ts).
    let total = 0;
    let p = 0;
    for (let k = 0; p + 4 <= points; p += 4, k += 4 * d) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0, k0 = k, k1 = k + d, k2 = k + 2 * d, k3 = k + 3 * d; j < d; j++) {
        const zj = z[j]!;
        const e0 = zj - sample[k0 + j]!;
        const e1 = zj - sample[k1 + j]!;
        const e2 = zj - sample[k2 + j]!;
        const e3 = zj - sample[k3 + j]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      total += Math.sqrt(s0);
      total += Math.sqrt(s1);
      total += Math.sqrt(s2);
      total += Math.sqrt(s3);
    }
    for (let k = p * d; p < points; p++) {
      let ss = 0;
      for (let j = 0; j < d; j++, k++) {
        const diff = z[j]! - sample[k]!;
        ss += diff * diff;
      }
      total += Math.sqrt(ss);
    }
    return total / points / this.params.mean_pairwise;
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
