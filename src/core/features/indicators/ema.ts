import { Indicator } from './indicator';
/**
 * TA-Lib EMA as a streaming kernel: k = 2/(n+1), seeded with the SMA of the first n values (TA-Lib's
 * default compatibility, unstable period 0), then ema = (x - ema) * k + ema. `skip` ignores the first
 * values, which is how TA-Lib's MACD aligns the fast EMA's seed with the slow one.
 */
export class Ema extends Indicator {
  readonly period: number;
  readonly k: number;
  private readonly skip: number;
  private count = 0;
  private seed = 0;
  private prev = NaN;
  private pCount = 0;
  private pSeed = 0;
  private pPrev = NaN;

  constructor(period: number, skip = 0) {
    super();
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.k = 2 / (period + 1);
    this.skip = skip;
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const i = this.count - this.skip;
    this.count++;
    if (i < 0) return (this.result = NaN);
    const n = this.period;
    if (i < n - 1) {
      this.seed += x;
      return (this.result = NaN);
    }
    if (i === n - 1) {
      this.seed += x;
      this.prev = this.seed / n;
    } else {
      this.prev = (x - this.prev) * this.k + this.prev;
    }
    return (this.result = this.prev);
  }

  protected override save(): void {
    this.pCount = this.count;
    this.pSeed = this.seed;
    this.pPrev = this.prev;
  }

  protected override restore(): void {
    this.count = this.pCount;
    this.seed = this.pSeed;
    this.prev = this.pPrev;
  }
}

/**
 * Batch twin of Ema(period, skip): feeds x[start], x[start + 1], ... and writes the EMA after each update
 * to out[t] (NaN before the seed), with the same operations in the same order as `update`.
 */
export function emaBatch(x: Float64Array, start: number, period: number, out: Float64Array, skip = 0): void {
  const rows = x.length;
  const n = period;
  const k = 2 / (period + 1);
  const first = start + skip; // candle of the first value that counts
  const seeded = Math.min(rows, first + n - 1); // candle of the seed
  out.fill(NaN, 0, seeded);
  if (seeded >= rows) return;
  let seed = 0;
  for (let t = first; t < seeded; t++) seed += x[t]!;
  seed += x[seeded]!;
  let prev = seed / n;
  out[seeded] = prev;
  for (let t = seeded + 1; t < rows; t++) {
    prev = (x[t]! - prev) * k + prev;
    out[t] = prev;
  }
}
