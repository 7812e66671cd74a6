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

  evaluate(inputs: ArrayLike<number>, offset = 0): OodResult {
    const score = this.score(inputs, offset);
    return { score, flag: !(score <= this.params.threshold) };
  }
}
