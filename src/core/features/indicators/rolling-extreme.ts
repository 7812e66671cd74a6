/**
 * Rolling maximum (or minimum) over the last `period` values with a monotonic deque: O(1) amortized per
 * update, and replace-safe: the deque's head/tail before the candle are kept, and the single slot the
 * update writes is remembered so a replace can undo it exactly. Matches TA-Lib MAX / MIN.
 */
export class RollingExtreme {
  readonly period: number;
  private readonly isMax: boolean;
  private readonly vals: Float64Array; // value of candle t at t % period
  private readonly dq: Int32Array; // candle indices, ring of capacity period + 1
  private readonly cap: number;
  private head = 0;
  private tail = 0;
  private count = 0;
  private pHead = 0;
  private pTail = 0;
  private wSlot = -1;
  private wOld = 0;
  value = NaN;

  constructor(period: number, kind: 'max' | 'min') {
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.isMax = kind === 'max';
    this.vals = new Float64Array(period);
    this.cap = period + 1;
    this.dq = new Int32Array(this.cap);
  }

  update(x: number, replace: boolean): number {
    if (replace) {
      if (this.wSlot >= 0) this.dq[this.wSlot] = this.wOld;
      this.head = this.pHead;
      this.tail = this.pTail;
      this.count--;
    } else {
      this.pHead = this.head;
      this.pTail = this.tail;
    }
    const n = this.period;
    const cap = this.cap;
    const t = this.count;
    this.vals[t % n] = x;
    let tail = this.tail;
    const head0 = this.head;
    const dq = this.dq;
    const vals = this.vals;
    if (this.isMax) {
      while (tail > head0 && vals[dq[(tail - 1) % cap]! % n]! <= x) tail--;
    } else {
      while (tail > head0 && vals[dq[(tail - 1) % cap]! % n]! >= x) tail--;
    }
    const slot = tail % cap;
    this.wSlot = slot;
    this.wOld = dq[slot]!;
    dq[slot] = t;
    this.tail = tail + 1;
    let head = head0;
    while (dq[head % cap]! <= t - n) head++;
    this.head = head;
    this.count = t + 1;
    return (this.value = this.count >= n ? vals[dq[head % cap]! % n]! : NaN);
  }
}
