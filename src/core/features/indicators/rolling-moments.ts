import { Indicator } from './indicator';
/**
 * Rolling mean / population std / skewness / excess kurtosis over the last `period` values from power
 * sums, O(1) per update. The sums are recomputed exactly from the window every `period` updates (no
 * drift; deterministic). Replace-safe. Degenerate windows (variance <= `tiny`) give std 0, skew 0, kurt 0.
 */
export class RollingMoments extends Indicator {
  readonly period: number;
  private readonly order: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private nonZero = 0; // non-zero values in the window: an all-zero window has exactly zero moments
  private p = new Float64Array(8); // pos, count, s1..s4, old, nonZero
  /** `value` is the mean; variance, std, skew and kurt beside it. */
  variance = NaN;
  std = NaN;
  skew = NaN;
  kurt = NaN;

  /** `order` 2 computes mean/std only; 4 adds skew and kurtosis. */
  constructor(period: number, order: 2 | 4 = 4) {
    super();
    if (!Number.isInteger(period) || period < 2) throw new Error(`period must be an integer >= 2, got ${period}`);
    this.period = period;
    this.order = order;
    this.buf = new Float64Array(period);
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const pos = this.pos;
    const full = this.count >= n;
    const o = full ? this.buf[pos]! : 0;
    this.buf[pos] = x;
    if (x !== 0) this.nonZero++;
    if (o !== 0) this.nonZero--;
    const x2 = x * x;
    const o2 = o * o;
    this.s1 += x - o;
    this.s2 += x2 - o2;
    if (this.order === 4) {
      this.s3 += x2 * x - o2 * o;
      this.s4 += x2 * x2 - o2 * o2;
    }
    this.count++;
    const next = pos + 1 === n ? 0 : pos + 1;
    this.pos = next;
    if (next === 0 && this.count >= n) this.recompute();
    if (this.count < n) {
      this.result = this.variance = this.std = this.skew = this.kurt = NaN;
      return NaN;
    }
    this.finish();
    return this.result;
  }

  private recompute(): void {
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    const b = this.buf;
    for (let i = 0; i < this.period; i++) {
      const v = b[i]!;
      const v2 = v * v;
      s1 += v;
      s2 += v2;
      s3 += v2 * v;
      s4 += v2 * v2;
    }
    this.s1 = s1;
    this.s2 = s2;
    if (this.order === 4) {
      this.s3 = s3;
      this.s4 = s4;
    }
  }

  private finish(): void {
    if (this.nonZero === 0) {
      this.result = this.variance = this.std = 0;
      this.skew = this.kurt = 0;
      return;
    }
    const n = this.period;
    const m = this.s1 / n;
    const e2 = this.s2 / n;
    let v = e2 - m * m;
    // variance below the rounding noise of the raw second moment counts as 0
    if (!(v > e2 * 1e-12) || !(v > 1e-300)) v = 0;
    this.result = m;
    this.variance = v;
    this.std = Math.sqrt(v);
    if (this.order !== 4) return;
    if (v === 0) {
      this.skew = 0;
      this.kurt = 0;
      return;
    }
    const e3 = this.s3 / n;
    const e4 = this.s4 / n;
    const m2 = m * m;
    const c3 = e3 - 3 * m * e2 + 2 * m2 * m;
    const c4 = e4 - 4 * m * e3 + 6 * m2 * e2 - 3 * m2 * m2;
    this.skew = c3 / (v * Math.sqrt(v));
    this.kurt = c4 / (v * v) - 3;
  }

  protected override save(): void {
    const p = this.p;
    p[0] = this.pos;
    p[1] = this.count;
    p[2] = this.s1;
    p[3] = this.s2;
    p[4] = this.s3;
    p[5] = this.s4;
    p[6] = this.buf[this.pos]!;
    p[7] = this.nonZero;
  }

  protected override restore(): void {
    const p = this.p;
    this.pos = p[0]!;
    this.count = p[1]!;
    this.s1 = p[2]!;
    this.s2 = p[3]!;
    this.s3 = p[4]!;
    this.s4 = p[5]!;
    this.buf[this.pos] = p[6]!;
    this.nonZero = p[7]!;
  }
}

/**
 * Batch twin of RollingMoments(period, order): feeds x[start], x[start + 1], ... and writes the mean, std
 * and (order 4) skewness and excess kurtosis after each update to the given columns (NaN while the window
 * fills), with the same operations in the same order as `update`.
 */
export function rollingMomentsBatch(
  x: Float64Array,
  start: number,
  period: number,
  order: 2 | 4,
  mean: Float64Array,
  std: Float64Array,
  skew: Float64Array | null = null,
  kurt: Float64Array | null = null,
): void {
  const rows = x.length;
  const n = period;
  const full = Math.min(rows, start + n - 1);
  mean.fill(NaN, 0, full);
  std.fill(NaN, 0, full);
  skew?.fill(NaN, 0, full);
  kurt?.fill(NaN, 0, full);
  const four = order === 4;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let nonZero = 0;
  let untilResum = n - 1;
  for (let t = start; t < rows; t++) {
    const v = x[t]!;
    const o = t - n >= start ? x[t - n]! : 0;
    if (v !== 0) nonZero++;
    if (o !== 0) nonZero--;
    const x2 = v * v;
    const o2 = o * o;
    s1 += v - o;
    s2 += x2 - o2;
    if (four) {
      s3 += x2 * v - o2 * o;
      s4 += x2 * x2 - o2 * o2;
    }
    if (untilResum === 0) {
      let r1 = 0;
      let r2 = 0;
      let r3 = 0;
      let r4 = 0;
      for (let j = t - n + 1; j <= t; j++) {
        const w = x[j]!;
        const w2 = w * w;
        r1 += w;
        r2 += w2;
        r3 += w2 * w;
        r4 += w2 * w2;
      }
      s1 = r1;
      s2 = r2;
      if (four) {
        s3 = r3;
        s4 = r4;
      }
      untilResum = n;
    }
    untilResum--;
    if (t < full) continue;
    if (nonZero === 0) {
      mean[t] = 0;
      std[t] = 0;
      if (four) {
        skew![t] = 0;
        kurt![t] = 0;
      }
      continue;
    }
    const m = s1 / n;
    const e2 = s2 / n;
    let va = e2 - m * m;
    if (!(va > e2 * 1e-12) || !(va > 1e-300)) va = 0;
    mean[t] = m;
    std[t] = Math.sqrt(va);
    if (!four) continue;
    if (va === 0) {
      skew![t] = 0;
      kurt![t] = 0;
      continue;
    }
    const e3 = s3 / n;
    const e4 = s4 / n;
    const m2 = m * m;
    const c3 = e3 - 3 * m * e2 + 2 * m2 * m;
    const c4 = e4 - 4 * m * e3 + 6 * m2 * e2 - 3 * m2 * m2;
    skew![t] = c3 / (va * Math.sqrt(va));
    kurt![t] = c4 / (va * va) - 3;
  }
}
