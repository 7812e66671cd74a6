/**
 * Percentile (mid-)rank of the newest value within the trailing `window` values (itself included):
 * (#less + #equal / 2) / count. Keeps the window sorted: binary searches plus one memmove of the
 * elements between the leaving and the entering value, O(log w + w) worst case with w fixed (usually a
 * few elements). Replace-safe: a replace swaps the value this candle inserted for the new one (the value
 * that left the window stays removed).
 */
export class RollingRank {
  readonly window: number;
  private readonly minCount: number;
  private readonly vals: Float64Array; // ring by candle index
  private readonly sorted: Float64Array;
  private size = 0;
  private count = 0;
  value = NaN;

  constructor(window: number, minCount: number) {
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
    if (this.size < this.minCount) return (this.value = NaN);
    const less = this.lowerBound(x);
    const leq = this.upperBound(x);
    return (this.value = (less + (leq - less) / 2) / this.size);
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
