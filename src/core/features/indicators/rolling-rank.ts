import { Indicator } from './indicator';
/**
 * Percentile (mid-)rank of the newest value within the trailing `window` values (itself included):
 * (#less + #equal / 2) / count. Keeps the window sorted: binary searches plus one memmove of the
 * elements between the leaving and the entering value, O(log w + w) worst case with w fixed (usually a
 * few elements). Replace-safe: a replace swaps the value this candle inserted for the new one (the value
 * that left the window stays removed).
 */
export class RollingRank extends Indicator {
  readonly window: number;
  private readonly minCount: number;
  private readonly vals: Float64Array; // ring by candle index
  private readonly sorted: Float64Array;
  private size = 0;
  private count = 0;

  constructor(window: number, minCount: number) {
    super();
    this.window = window;
    this.minCount = minCount;
    this.vals = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  update(x: number, replace: boolean): number {
    const w = this.window;
    if (replace) {
      const t = this.count - 1;
      this.swap(this.vals[t % w]!, x);
      this.vals[t % w] = x;
    } else {
      const t = this.count++;
      if (t >= w) this.swap(this.vals[t % w]!, x);
      else this.insert(x);
      this.vals[t % w] = x;
    }
    if (this.size < this.minCount) return (this.result = NaN);
    const less = this.lowerBound(x);
    const leq = this.upperBound(x);
    return (this.result = (less + (leq - less) / 2) / this.size);
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.size;
    const s = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(x: number): number {
    let lo = 0;
    let hi = this.size;
    const s = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(x: number): void {
    const i = this.upperBound(x);
    this.sorted.copyWithin(i + 1, i, this.size);
    this.sorted[i] = x;
    this.size++;
  }

  /** Replaces one element equal to `old` by `x`, moving only the elements between their positions. */
  private swap(old: number, x: number): void {
    const s = this.sorted;
    const i = this.lowerBound(old);
    const j = this.upperBound(x);
    if (x >= old) {
      s.copyWithin(i, i + 1, j);
      s[j - 1] = x;
    } else {
      s.copyWithin(j + 1, j, i);
      s[j] = x;
    }
  }
}

/**
 * Batch twin of RollingRank: feeds x[0], x[1], ..., x[count - 1] and writes the rank after each update
 * to out[k] (NaN until `minCount` values were seen). Same counts of smaller and equal values as the
 * streaming sorted window, so the same ranks, from a different structure: the window as a doubly linked
 * list in (value, arrival) order with one node per ring slot. The leaving value's node is unlinked in O(1)
 * and the entering value is found by walking from the previous one's node (consecutive values of a smooth
 * series such as a rolling std land close together), keeping that node's list position up to date.
 */
export function rollingRankBatch(
  x: Float64Array,
  count: number,
  window: number,
  minCount: number,
  out: Float64Array,
): void {
  const w = window;
  const END = w; // sentinel: the list is circular through it
  const val = new Float64Array(w);
  const next = new Int32Array(w + 1).fill(END);
  const prev = new Int32Array(w + 1).fill(END);
  let size = 0;
  let cur = END; // node of the newest value
  let curPos = 0; // its position in the list (number of nodes before it)
  for (let k = 0; k < count; k++) {
    const v = x[k]!;
    const slot = k % w;
    if (k >= w) {
      // the leaving node arrived before `cur`, so it lies before it iff its value is <= cur's
      if (val[slot]! <= val[cur]!) curPos--;
      const a = prev[slot]!;
      const b = next[slot]!;
      next[a] = b;
      prev[b] = a;
      size--;
    }
    // insert after every node with value <= v: find the first node q with value > v (END if none)
    let q: number;
    let pos: number; // position of the new node
    if (size === 0) {
      q = END;
      pos = 0;
    } else if (v >= val[cur]!) {
      let p = cur;
      pos = curPos + 1;
      q = next[p]!;
      while (q !== END && val[q]! <= v) {
        p = q;
        q = next[p]!;
        pos++;
      }
    } else {
      q = cur;
      pos = curPos;
      let p = prev[q]!;
      while (p !== END && val[p]! > v) {
        q = p;
        p = prev[q]!;
        pos--;
      }
    }
    const a = prev[q]!;
    val[slot] = v;
    prev[slot] = a;
    next[slot] = q;
    next[a] = slot;
    prev[q] = slot;
    size++;
    cur = slot;
    curPos = pos;
    // nodes before the new one are <= v; the equal ones are right before it
    let less = pos;
    for (let e = a; e !== END && val[e] === v; e = prev[e]!) less--;
    const leq = pos + 1;
    out[k] = size < minCount ? NaN : (less + (leq - less) / 2) / size;
  }
}
