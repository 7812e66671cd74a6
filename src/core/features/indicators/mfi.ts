import { Indicator } from './indicator';
/**
 * TA-Lib MFI(n): money flow tp * volume split into positive / negative by the change of the typical
 * price, running totals over n changes in TA-Lib's order; 0 when the total flow is < 1 (TA-Lib's rule).
 * First value at index n.
 */
export class Mfi extends Indicator {
  readonly period: number;
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private count = 0;
  private prevTp = 0;
  private posSum = 0;
  private negSum = 0;
  private readonly snap = new Float64Array(6);

  constructor(period: number) {
    super();
    this.period = period;
    this.pos = new Float64Array(period);
    this.neg = new Float64Array(period);
  }

  update(high: number, low: number, close: number, volume: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const i = this.count++;
    const tp = (high + low + close) / 3;
    if (i === 0) {
      this.prevTp = tp;
      return (this.result = NaN);
    }
    const slot = (i - 1) % n;
    if (i > n) {
      this.posSum -= this.pos[slot]!;
      this.negSum -= this.neg[slot]!;
    }
    const d = tp - this.prevTp;
    this.prevTp = tp;
    const flow = tp * volume;
    if (d < 0) {
      this.neg[slot] = flow;
      this.negSum += flow;
      this.pos[slot] = 0;
    } else if (d > 0) {
      this.pos[slot] = flow;
      this.posSum += flow;
      this.neg[slot] = 0;
    } else {
      this.pos[slot] = 0;
      this.neg[slot] = 0;
    }
    if (i < n) return (this.result = NaN);
    const total = this.posSum + this.negSum;
    return (this.result = total < 1 ? 0 : 100 * (this.posSum / total));
  }

  protected override save(): void {
    const s = this.snap;
    s[0] = this.count;
    s[1] = this.prevTp;
    s[2] = this.posSum;
    s[3] = this.negSum;
    if (this.count > 0) {
      const slot = (this.count - 1) % this.period;
      s[4] = this.pos[slot]!;
      s[5] = this.neg[slot]!;
    }
  }

  protected override restore(): void {
    const s = this.snap;
    this.count = s[0]!;
    this.prevTp = s[1]!;
    this.posSum = s[2]!;
    this.negSum = s[3]!;
    if (this.count > 0) {
      const slot = (this.count - 1) % this.period;
      this.pos[slot] = s[4]!;
      this.neg[slot] = s[5]!;
    }
  }
}

/**
 * Batch twin of Mfi, fed from candle 0: tp[t] = (high + low + close) / 3 (the caller's typical prices, same
 * expression) and volume v[t]; writes the MFI to out[t] (NaN until `period` changes were seen), with the
 * same operations in the same order as `update` (a leaving flow is recomputed, not stored: same value).
 */
export function mfiBatch(tp: Float64Array, v: Float64Array, period: number, out: Float64Array): void {
  const rows = tp.length;
  const n = period;
  out.fill(NaN, 0, Math.min(rows, n));
  let posSum = 0;
  let negSum = 0;
  for (let i = 1; i < rows; i++) {
    if (i > n) {
      const j = i - n; // the update whose flows leave the window
      const dj = tp[j]! - tp[j - 1]!;
      const fj = tp[j]! * v[j]!;
      posSum -= dj > 0 ? fj : 0;
      negSum -= dj < 0 ? fj : 0;
    }
    const d = tp[i]! - tp[i - 1]!;
    const flow = tp[i]! * v[i]!;
    if (d < 0) negSum += flow;
    else if (d > 0) posSum += flow;
    if (i < n) continue;
    const total = posSum + negSum;
    out[i] = total < 1 ? 0 : 100 * (posSum / total);
  }
}
