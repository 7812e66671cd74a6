import { Indicator } from './indicator';
/**
 * TA-Lib CCI(n): typical price tp = (h + l + c)/3, (tp - mean)/(0.015 * mean absolute deviation) over
 * the last n; 0 when either is 0. The mean deviation needs the whole window (O(n) with n fixed), summed
 * in TA-Lib's buffer order. Replace-safe: the newest slot is simply rewritten.
 */
export class Cci extends Indicator {
  readonly period: number;
  private readonly buf: Float64Array;
  private count = 0;
  private pCount = 0;

  constructor(period: number) {
    super();
    this.period = period;
    this.buf = new Float64Array(period);
  }

  update(high: number, low: number, close: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const tp = (high + low + close) / 3;
    const t = this.count++;
    this.buf[t % n] = tp;
    if (t < n - 1) return (this.result = NaN);
    const b = this.buf;
    let avg = 0;
    for (let j = 0; j < n; j++) avg += b[j]!;
    avg /= n;
    let dev = 0;
    for (let j = 0; j < n; j++) dev += Math.abs(b[j]! - avg);
    const num = tp - avg;
    return (this.result = num !== 0 && dev !== 0 ? num / (0.015 * (dev / n)) : 0);
  }

  protected override save(): void {
    this.pCount = this.count;
  }

  protected override restore(): void {
    this.count = this.pCount;
  }
}

/**
 * Batch twin of Cci, fed from candle 0: tp[t] = (high + low + close) / 3 (the caller's typical prices, same
 * expression), writes the CCI to out[t] (NaN while the window fills). The same ring of `period` slots is
 * summed in slot order as in `update`, so sums are identical; two candles are done per pass over the ring
 * (the second one sees the first's ring with one slot replaced), which runs their dependent sums side by side.
 */
export function cciBatch(tp: Float64Array, period: number, out: Float64Array): void {
  const rows = tp.length;
  const n = period;
  out.fill(NaN, 0, Math.min(rows, n - 1));
  if (rows < n) return;
  const buf = tp.slice(0, n); // ring for candle t: slot j holds the newest candle <= t with index % n == j
  let t = n - 1;
  for (; t + 1 < rows; t += 2) {
    const s1 = (t + 1) % n; // the slot candle t + 1 overwrites
    const x1 = tp[t + 1]!;
    let a = 0;
    let b = 0;
    for (let j = 0; j < s1; j++) {
      const v = buf[j]!;
      a += v;
      b += v;
    }
    a += buf[s1]!;
    b += x1;
    for (let j = s1 + 1; j < n; j++) {
      const v = buf[j]!;
      a += v;
      b += v;
    }
    a /= n;
    b /= n;
    let da = 0;
    let db = 0;
    for (let j = 0; j < s1; j++) {
      const v = buf[j]!;
      da += Math.abs(v - a);
      db += Math.abs(v - b);
    }
    da += Math.abs(buf[s1]! - a);
    db += Math.abs(x1 - b);
    for (let j = s1 + 1; j < n; j++) {
      const v = buf[j]!;
      da += Math.abs(v - a);
      db += Math.abs(v - b);
    }
    const na = tp[t]! - a;
    out[t] = na !== 0 && da !== 0 ? na / (0.015 * (da / n)) : 0;
    const nb = x1 - b;
    out[t + 1] = nb !== 0 && db !== 0 ? nb / (0.015 * (db / n)) : 0;
    buf[s1] = x1;
    if (t + 2 < rows) buf[(t + 2) % n] = tp[t + 2]!;
  }
  if (t < rows) {
    let avg = 0;
    for (let j = 0; j < n; j++) avg += buf[j]!;
    avg /= n;
    let dev = 0;
    for (let j = 0; j < n; j++) dev += Math.abs(buf[j]! - avg);
    const num = tp[t]! - avg;
    out[t] = num !== 0 && dev !== 0 ? num / (0.015 * (dev / n)) : 0;
  }
}
