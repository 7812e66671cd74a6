/**
 * TA-Lib EMA as a streaming kernel: k = 2/(n+1), seeded with the SMA of the first n values (TA-Lib's
 * default compatibility, unstable period 0), then ema = (x - ema) * k + ema. `skip` ignores the first
 * values, which is how TA-Lib's MACD aligns the fast EMA's seed with the slow one.
 */
export class Ema {
  readonly period: number;
  readonly k: number;
  private readonly skip: number;
  private count = 0;
  private seed = 0;
  private prev = NaN;
  private pCount = 0;
  private pSeed = 0;
  private pPrev = NaN;
  value = NaN;

  constructor(period: number, skip = 0) {
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.k = 2 / (period + 1);
    this.skip = skip;
  }

  update(x: number, replace: boolean): number {
    if (replace) {
      this.count = this.pCount;
      this.seed = this.pSeed;
      this.prev = this.pPrev;
    } else {
      this.pCount = this.count;
      this.pSeed = this.seed;
      this.pPrev = this.prev;
    }
    const i = this.count - this.skip;
    this.count++;
    if (i < 0) return (this.value = NaN);
    const n = this.period;
    if (i < n - 1) {
      this.seed += x;
      return (this.value = NaN);
    }
    if (i === n - 1) {
      this.seed += x;
      this.prev = this.seed / n;
    } else {
      this.prev = (x - this.prev) * this.k + this.prev;
    }
    return (this.value = this.prev);
  }
}
