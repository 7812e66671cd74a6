/**
 * Rolling sum of the last `period` values, O(1) per update. To stop floating-point drift over long
 * streams the total is recomputed exactly from the window every `period` updates (O(1) amortized and
 * deterministic, so streaming and batch agree bit for bit). A window whose values are all 0 sums to exactly 0
 * (a count of non-zero values is kept), so ratios over empty windows (e.g. zero volume) hit their documented
 * fallbacks instead of dividing rounding residue by rounding residue. Replace-safe.
 */
export class RollingSum {
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
  value = NaN;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  get filled(): boolean {
    return this.count >= this.period;
  }

  update(x: number, replace: boolean): number {
    if (replace) {
      this.pos = this.pPos;
      this.count = this.pCount;
      this.sum = this.pSum;
      this.nonZero = this.pNonZero;
      this.buf[this.pos] = this.pOld;
    } else {
      this.pPos = this.pos;
      this.pCount = this.count;
      this.pSum = this.sum;
      this.pNonZero = this.nonZero;
      this.pOld = this.buf[this.pos]!;
    }
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
    if (this.count < n) return (this.value = NaN);
    return (this.value = this.nonZero === 0 ? 0 : this.sum);
  }
}
