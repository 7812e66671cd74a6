import { Indicator } from './indicator';
/**
 * Rolling maximum (or minimum) over the last `period` values with a monotonic deque: O(1) amortized per
 * update, and replace-safe: the deque's head/tail before the candle are kept, and the single slot the
 * update writes is remembered so a replace can undo it exactly. Matches TA-Lib MAX / MIN.
 */
export class RollingExtreme extends Indicator {
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

  constructor(period: number, kind: 'max' | 'min') {
    super();
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.isMax = kind === 'max';
    this.vals = new Float64Array(period);
    this.cap = period + 1;
    this.dq = new Int32Array(this.cap);
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
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
    return (this.result = this.count >= n ? vals[dq[head % cap]! % n]! : NaN);
  }

  protected override save(): void {
    this.pHead = this.head;
    this.pTail = this.tail;
  }

  protected override restore(): void {
    if (this.wSlot >= 0) this.dq[this.wSlot] = this.wOld;
    this.head = this.pHead;
    this.tail = this.pTail;
    this.count--;
  }
}

/**
 * Batch twin of RollingExtreme: feeds x[start], x[start + 1], ... and writes the maximum (or minimum) of
 * the last `period` values to out[t] (NaN while the window fills). The extreme of a window is one of its
 * values, so any exact method gives the streaming value; this one (van Herk / Gil-Werman) cuts the series
 * into blocks of `period` candles and takes the extreme of a suffix of the previous block and a prefix of
 * the current one: three comparisons per candle and no data-dependent loops.
 */
export function rollingExtremeBatch(
  x: Float64Array,
  start: number,
  period: number,
  kind: 'max' | 'min',
  out: Float64Array,
): void {
  const rows = x.length;
  const n = period;
  const first = start + n - 1;
  out.fill(NaN, 0, Math.min(rows, first));
  if (first >= rows) return;
  const suffix = new Float64Array(n); // extremes of the previous block's suffixes
  const isMax = kind === 'max';
  for (let b0 = start; b0 < rows; b0 += n) {
    const b1 = Math.min(rows, b0 + n);
    let p = x[b0]!; // extreme of the current block's prefix
    if (isMax) {
      for (let t = b0; t < b1; t++) {
        const v = x[t]!;
        p = Math.max(p, v);
        if (t - b0 === n - 1) out[t] = p;
        else if (t >= first) {
          const q = suffix[t - b0 + 1]!;
          out[t] = Math.max(q, p);
        }
      }
      let m = x[b1 - 1]!;
      for (let t = b1 - 1; t >= b0; t--) {
        const v = x[t]!;
        m = Math.max(m, v);
        suffix[t - b0] = m;
      }
    } else {
      for (let t = b0; t < b1; t++) {
        const v = x[t]!;
        p = Math.min(p, v);
        if (t - b0 === n - 1) out[t] = p;
        else if (t >= first) {
          const q = suffix[t - b0 + 1]!;
          out[t] = Math.min(q, p);
        }
      }
      let m = x[b1 - 1]!;
      for (let t = b1 - 1; t >= b0; t--) {
        const v = x[t]!;
        m = Math.min(m, v);
        suffix[t - b0] = m;
      }
    }
  }
}
