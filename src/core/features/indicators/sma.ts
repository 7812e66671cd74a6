import { Indicator } from './indicator';
/**
 * TA-Lib SMA as a streaming kernel. The running total follows TA-Lib's order exactly (add the new value,
 * emit total/n, subtract the value leaving the window), so values are bit-identical to TA_SMA.
 * `update(x, true)` rewrites the newest value (the still-open candle) from the state before it.
 */
export class RunningWindowSum extends Indicator {
  readonly period: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0; // TA-Lib's periodTotal after subtracting the trailing value
  private pPos = 0;
  private pCount = 0;
  private pSum = 0;

  /** `value` is the window total including the newest value (NaN until the window is full). */
  constructor(period: number) {
    super();
    if (!Number.isInteger(period) || period < 1) throw new Error(`period must be a positive integer, got ${period}`);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const pos = this.pos;
    this.buf[pos] = x; // overwrites the value that left the window one step ago (already subtracted)
    const s = this.sum + x;
    const next = pos + 1 === n ? 0 : pos + 1;
    if (this.count + 1 >= n) {
      this.result = s;
      this.sum = s - this.buf[next]!;
    } else {
      this.result = NaN;
      this.sum = s;
    }
    this.pos = next;
    this.count++;
    return this.result;
  }

  protected override save(): void {
    this.pPos = this.pos;
    this.pCount = this.count;
    this.pSum = this.sum;
  }

  protected override restore(): void {
    this.pos = this.pPos;
    this.count = this.pCount;
    this.sum = this.pSum;
  }
}

/** TA-Lib SMA: the window total over the period (the window rolls back replace-updates itself). */
export class Sma extends Indicator {
  readonly period: number;
  private readonly win: RunningWindowSum;

  constructor(period: number) {
    super();
    this.period = period;
    this.win = new RunningWindowSum(period);
  }

  update(x: number, replace: boolean): number {
    return (this.result = this.win.update(x, replace) / this.period);
  }
}

/**
 * Batch twin of RunningWindowSum: feeds x[start], x[start + 1], ... (one update per candle) and writes
 * each window total divided by `divisor` to out[t] (NaN before `start` and while the window fills), with the
 * same operations in the same order as `update`, so values are identical (a divisor of 1 changes nothing).
 */
export function windowTotalBatch(x: Float64Array, start: number, period: number, out: Float64Array, divisor = 1): void {
  const rows = x.length;
  const n = period;
  const full = Math.min(rows, start + n - 1);
  out.fill(NaN, 0, full);
  let sum = 0;
  let t = start;
  for (; t < full; t++) sum += x[t]!;
  for (; t < rows; t++) {
    const s = sum + x[t]!;
    out[t] = s / divisor;
    sum = s - x[t - n + 1]!;
  }
}

/** Batch twin of Sma: out[t] = window total / period, as Sma.update computes it. */
export function smaBatch(x: Float64Array, start: number, period: number, out: Float64Array): void {
  windowTotalBatch(x, start, period, out, period);
}
