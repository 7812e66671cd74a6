import { TA_EPSILON } from './ta-util';
import { Indicator } from './indicator';

/**
 * TA-Lib's rolling variance (TA_INT_VAR, used by STDDEV and BBANDS): running totals of x and x^2 in
 * TA-Lib's order, var = E[x^2] - E[x]^2, population. `mean` equals TA_SMA bit for bit.
 */
export class TaVariance extends Indicator {
  readonly period: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private t1 = 0;
  private t2 = 0;
  private pPos = 0;
  private pCount = 0;
  private pT1 = 0;
  private pT2 = 0;
  /** `value` is the variance; mean and std beside it. */
  mean = NaN;
  /** TA-Lib STDDEV(period, 1): sqrt(var), 0 when var <= TA_EPSILON. */
  std = NaN;

  constructor(period: number) {
    super();
    this.period = period;
    this.buf = new Float64Array(period);
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const pos = this.pos;
    this.buf[pos] = x;
    const a = this.t1 + x;
    const b = this.t2 + x * x;
    const next = pos + 1 === n ? 0 : pos + 1;
    if (this.count + 1 >= n) {
      const m1 = a / n;
      const m2 = b / n;
      this.mean = m1;
      this.result = m2 - m1 * m1;
      this.std = this.result < TA_EPSILON ? 0 : Math.sqrt(this.result);
      const old = this.buf[next]!;
      this.t1 = a - old;
      this.t2 = b - old * old;
    } else {
      this.mean = this.result = this.std = NaN;
      this.t1 = a;
      this.t2 = b;
    }
    this.pos = next;
    this.count++;
    return this.result;
  }

  protected override save(): void {
    this.pPos = this.pos;
    this.pCount = this.count;
    this.pT1 = this.t1;
    this.pT2 = this.t2;
  }

  protected override restore(): void {
    this.pos = this.pPos;
    this.count = this.pCount;
    this.t1 = this.pT1;
    this.t2 = this.pT2;
  }
}

/**
 * Batch twin of TaVariance: feeds x[start], x[start + 1], ... and writes the mean and TA-Lib std after
 * each update to mean[t] and std[t] (NaN while the window fills), with the same operations as `update`.
 */
export function taVarianceBatch(
  x: Float64Array,
  start: number,
  period: number,
  mean: Float64Array,
  std: Float64Array,
): void {
  const rows = x.length;
  const n = period;
  const full = Math.min(rows, start + n - 1);
  mean.fill(NaN, 0, full);
  std.fill(NaN, 0, full);
  let t1 = 0;
  let t2 = 0;
  let t = start;
  for (; t < full; t++) {
    const v = x[t]!;
    t1 = t1 + v;
    t2 = t2 + v * v;
  }
  for (; t < rows; t++) {
    const v = x[t]!;
    const a = t1 + v;
    const b = t2 + v * v;
    const m1 = a / n;
    const m2 = b / n;
    const variance = m2 - m1 * m1;
    mean[t] = m1;
    std[t] = variance < TA_EPSILON ? 0 : Math.sqrt(variance);
    const old = x[t - n + 1]!;
    t1 = a - old;
    t2 = b - old * old;
  }
}
