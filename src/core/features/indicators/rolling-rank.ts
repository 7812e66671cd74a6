/**
 * Percentile (mid-)rank of the newest value within the trailing `window` values (itself included):
 * (#less + #equal / 2) / count. Keeps the window sorted: binary search plus one memmove per update,
 * O(log w + w) with w fixed. Replace-safe: a replace removes the value this candle inserted and inserts
 * the new one (the value that left the window stays removed).
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
      this.remove(this.vals[t % w]!);
      this.vals[t % w] = x;
      this.insert(x);
    } else {
      const t = this.count++;
      if (t >= w) this.remove(this.vals[t % w]!);
      this.vals[t % w] = x;
      this.insert(x);
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

  private remove(x: number): void {
    const i = this.lowerBound(x);
    this.sorted.copyWithin(i, i + 1, this.size);
    this.size--;
  }
}
