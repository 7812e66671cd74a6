import { taIsZero } from './ta-util';
import { Indicator } from './indicator';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters

/**
 * TA-Lib RSI (unstable period 0, default compatibility): the first n changes are averaged, then Wilder
 * smoothing avg = (avg * (n-1) + x) / n. First value at index n. 0 when avgGain + avgLoss is ~0.
 */
export class Rsi extends Indicator {
  readonly period: number;
  private count = 0;
  private prevValue = NaN;
  private gain = 0;
  private loss = 0;
  private pCount = 0;
  private pPrevValue = NaN;
  private pGain = 0;
  private pLoss = 0;

  constructor(period: number) {
    super();
    this.period = period;
  }

  update(x: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const i = this.count++;
    if (i === 0) {
      this.prevValue = x;
      return (this.result = NaN);
    }
    const d = x - this.prevValue;
    this.prevValue = x;
    if (i < n) {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      return (this.result = NaN);
    }
    if (i === n) {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      this.loss /= n;
      this.gain /= n;
    } else {
      this.loss *= n - 1;
      this.gain *= n - 1;
      if (d < 0) this.loss -= d;
      else this.gain += d;
      this.loss /= n;
      this.gain /= n;
    }
    const t = this.gain + this.loss;
    return (this.result = isZero(t) ? 0 : 100 * (this.gain / t));
  }

  protected override save(): void {
    this.pCount = this.count;
    this.pPrevValue = this.prevValue;
    this.pGain = this.gain;
    this.pLoss = this.loss;
  }

  protected override restore(): void {
    this.count = this.pCount;
    this.prevValue = this.pPrevValue;
    this.gain = this.pGain;
    this.loss = this.pLoss;
  }
}

/**
 * Batch twin of Rsi: feeds x[start], x[start + 1], ... and writes the RSI after each update to out[t]
 * (NaN until `period` changes were seen), with the same operations in the same order as `update`.
 */
export function rsiBatch(x: Float64Array, start: number, period: number, out: Float64Array): void {
  const rows = x.length;
  const n = period;
  const seeded = Math.min(rows, start + n);
  out.fill(NaN, 0, seeded);
  if (seeded >= rows) return;
  let gain = 0;
  let loss = 0;
  let prevValue = x[start]!;
  for (let t = start + 1; t < seeded; t++) {
    const d = x[t]! - prevValue;
    prevValue = x[t]!;
    if (d < 0) loss -= d;
    else gain += d;
  }
  for (let t = seeded; t < rows; t++) {
    const d = x[t]! - prevValue;
    prevValue = x[t]!;
    if (t === seeded) {
      if (d < 0) loss -= d;
      else gain += d;
      loss /= n;
      gain /= n;
    } else {
      loss *= n - 1;
      gain *= n - 1;
      if (d < 0) loss -= d;
      else gain += d;
      loss /= n;
      gain /= n;
    }
    const s = gain + loss;
    out[t] = isZero(s) ? 0 : 100 * (gain / s);
  }
}
