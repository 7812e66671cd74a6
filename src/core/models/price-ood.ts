/**
 * Out-of-distribution score of the price inputs: FreqAI's dissimilarity index (freqtrade, freqai/data_kitchen.py
 * `compute_DI_values`): the mean Euclidean distance from the current standardized input vector to a reference
 * sample of training points, divided by the mean pairwise distance within that sample. Above the threshold
 * chosen on held-out rows (a high quantile of the score there) the stream is out of distribution and every
 * horizon abstains. The Python twin is training/ensemble/ood.py.
 */
import type { OodParams } from './price-ensemble-params';

export interface OodResult {
  score: number;
  flag: boolean;
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

  evaluate(inputs: ArrayLike<number>, offset = 0): OodResult {
    const score = this.score(inputs, offset);
    return { score, flag: !(score <= this.params.threshold) };
  }
}
