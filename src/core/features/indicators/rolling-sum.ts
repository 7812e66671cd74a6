import { Indicator } from './indicator';
/**
 * Rolling sum of the last `period` values, O(1) per update. To stop floating-point drift over long
 * streams the total is recomputed exactly from the window every `period` updates (O(1) amortized and
 * deterministic, so streaming and batch agree bit for bit). A window whose values are all 0 sums to exactly 0
 * (a count of non-zero values is kept), so ratios over empty windows (e.g. zero volume) hit their documented
 * fallbacks instead of dividing rounding residue by rounding residue. Replace-safe.
 */
export class RollingSum extends Indicator {
  readonly period: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  private nonZero = 0;
  private pNonZero = 0;
  private pPos = 0;
  private pCount = 0;
  private pSum = 0;
  private pOld = 0;
  /** Sum of the last `period` values, NaN until `period` values were seen. */

  constructor(period: number) {
    super();
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  get filled(): boolean {
    return this.count >= this.period;
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const pos = this.pos;
    const old = this.count >= n ? this.buf[pos]! : 0;
    this.buf[pos] = x;
    this.sum += x - old;
    if (x !== 0) this.nonZero++;
    if (old !== 0) this.nonZero--;
    this.count++;
    const next = pos + 1 === n ? 0 : pos + 1;
    this.pos = next;
    if (next === 0 && this.count >= n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.buf[i]!;
      this.sum = s;
    }
    if (this.count < n) return (this.result = NaN);
    return (this.result = this.nonZero === 0 ? 0 : this.sum);
  }

  protected override save(): void {
    this.pPos = this.pos;
    this.pCount = this.count;
    this.pSum = this.sum;
    this.pNonZero = this.nonZero;
    this.pOld = this.buf[this.pos]!;
  }

  protected override restore(): void {
    this.pos = this.pPos;
    this.count = this.pCount;
    this.sum = this.pSum;
    this.nonZero = this.pNonZero;
    this.buf[this.pos] = this.pOld;
  }
}

/**
 * Batch twin of RollingSum: feeds x[start], x[start + 1], ... and writes the value after each update to
 * out[t] (NaN before `start` and while the window fills), with the same operations in the same order as
 * `update`: the same running total, the same exact re-summation every `period` updates (the running
 * update it replaces is skipped: its result was overwritten), the same all-zero rule (tracked as the
 * index of the newest non-zero value instead of a count: the same test). With `divisor`, writes value / divisor
 * (what callers of the streaming kernel compute next) in the same pass.
 */
export function rollingSumBatch(x: Float64Array, start: number, period: number, out: Float64Array, divisor = 1): void {
  const rows = x.length;
  const n = period;
  const first = start + n - 1; // first full window; re-summed, as are first + n, first + 2n, ...
  out.fill(NaN, 0, Math.min(rows, first));
  let lastNonZero = start - 1;
  for (let t = start; t < rows && t < first; t++) if (x[t] !== 0) lastNonZero = t;
  for (let r = first; r < rows; r += n) {
    // re-summation at r, then running updates up to the next one
    let sum = 0;
    for (let j = r - n + 1; j <= r; j++) sum += x[j]!;
    if (x[r] !== 0) lastNonZero = r;
    out[r] = (lastNonZero > r - n ? sum : 0) / divisor; // a divisor of 1 changes nothing
    const end = Math.min(rows, r + n);
    for (let t = r + 1; t < end; t++) {
      const v = x[t]!;
      sum += v - x[t - n]!;
      if (v !== 0) lastNonZero = t;
      out[t] = (lastNonZero > t - n ? sum : 0) / divisor;
    }
  }
}
