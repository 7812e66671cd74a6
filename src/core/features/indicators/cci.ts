/**
 * TA-Lib CCI(n): typical price tp = (h + l + c)/3, (tp - mean)/(0.015 * mean absolute deviation) over
 * the last n; 0 when either is 0. The mean deviation needs the whole window (O(n) with n fixed), summed
 * in TA-Lib's buffer order. Replace-safe: the newest slot is simply rewritten.
 */
export class Cci {
  readonly period: number;
  private readonly buf: Float64Array;
  private count = 0;
  private pCount = 0;
  value = NaN;

  constructor(period: number) {
    this.period = period;
    this.buf = new Float64Array(period);
  }

  update(high: number, low: number, close: number, replace: boolean): number {
    if (replace) this.count = this.pCount;
    else this.pCount = this.count;
    const n = this.period;
    const tp = (high + low + close) / 3;
    const t = this.count++;
    this.buf[t % n] = tp;
    if (t < n - 1) return (this.value = NaN);
    const b = this.buf;
    let avg = 0;
    for (let j = 0; j < n; j++) avg += b[j]!;
    avg /= n;
    let dev = 0;
    for (let j = 0; j < n; j++) dev += Math.abs(b[j]! - avg);
    const num = tp - avg;
    return (this.value = num !== 0 && dev !== 0 ? num / (0.015 * (dev / n)) : 0);
  }
}

/**
 * Batch twin of Cci, fed from candle 0: tp[t] = (high + low + close) / 3 (the caller's typical prices, same
 * expression), writes the CCI to out[t] (NaN while the window fills). The window is summed in the streaming
 * ring's slot order (slot j holds the candle t' <= t with t' % period == j), so sums are identical.
 */
export function cciBatch(tp: Float64Array, period: number, out: Float64Array): void {
  const rows = tp.length;
  const n = period;
  out.fill(NaN, 0, Math.min(rows, n - 1));
  for (let t = n - 1; t < rows; t++) {
    const base = t - (t % n); // candle in slot 0; slots after t % n hold candles of the previous pass
    let avg = 0;
    for (let j = base; j <= t; j++) avg += tp[j]!;
    for (let j = t + 1 - n; j < base; j++) avg += tp[j]!;
    avg /= n;
    let dev = 0;
    for (let j = base; j <= t; j++) dev += Math.abs(tp[j]! - avg);
    for (let j = t + 1 - n; j < base; j++) dev += Math.abs(tp[j]! - avg);
    const num = tp[t]! - avg;
    out[t] = num !== 0 && dev !== 0 ? num / (0.015 * (dev / n)) : 0;
  }
}
