import { RunningWindowSum, windowTotalBatch } from './sma';
import { taIsZero } from './ta-util';
import { Indicator } from './indicator';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters

/**
 * TA-Lib ULTOSC(p1, p2, p3): buying pressure close - min(low, prev_close) and true range summed over three
 * windows (TA-Lib's running-total order), 100 * (4 a1/b1 + 2 a2/b2 + a3/b3) / 7. Feed candles 1, 2, ...
 * (those with a previous close); first value at index max(p1, p2, p3).
 */
export class UltOsc extends Indicator {
  private readonly a1: RunningWindowSum;
  private readonly a2: RunningWindowSum;
  private readonly a3: RunningWindowSum;
  private readonly b1: RunningWindowSum;
  private readonly b2: RunningWindowSum;
  private readonly b3: RunningWindowSum;

  constructor(p1: number, p2: number, p3: number) {
    super();
    this.a1 = new RunningWindowSum(p1);
    this.a2 = new RunningWindowSum(p2);
    this.a3 = new RunningWindowSum(p3);
    this.b1 = new RunningWindowSum(p1);
    this.b2 = new RunningWindowSum(p2);
    this.b3 = new RunningWindowSum(p3);
  }

  /** `bp` = close - min(low, prev_close), `tr` = true range. */
  update(bp: number, tr: number, replace: boolean): number {
    const a1 = this.a1.update(bp, replace);
    const a2 = this.a2.update(bp, replace);
    const a3 = this.a3.update(bp, replace);
    const b1 = this.b1.update(tr, replace);
    const b2 = this.b2.update(tr, replace);
    const b3 = this.b3.update(tr, replace);
    if (a1 !== a1 || a2 !== a2 || a3 !== a3) return (this.result = NaN);
    let out = 0;
    if (!isZero(b1)) out += 4 * (a1 / b1);
    if (!isZero(b2)) out += 2 * (a2 / b2);
    if (!isZero(b3)) out += a3 / b3;
    return (this.result = 100 * (out / 7));
  }
}

/**
 * Batch twin of UltOsc: feeds bp[start], tr[start], ... (candles with a previous close) and writes the
 * oscillator to out[t] (NaN during warm-up), with the same operations in the same order as `update`
 * (window totals as RunningWindowSum, the three terms added in the same order). `sa` and `sb` are work
 * columns of the same length.
 */
export function ultoscBatch(
  bp: Float64Array,
  tr: Float64Array,
  start: number,
  p1: number,
  p2: number,
  p3: number,
  out: Float64Array,
  sa: Float64Array,
  sb: Float64Array,
): void {
  const rows = bp.length;
  const first = Math.min(rows, start + Math.max(p1, p2, p3) - 1);
  out.fill(NaN, 0, first);
  const periods = [p1, p2, p3];
  for (let w = 0; w < 3; w++) {
    windowTotalBatch(bp, start, periods[w]!, sa);
    windowTotalBatch(tr, start, periods[w]!, sb);
    if (w === 0) {
      for (let t = first; t < rows; t++) {
        const b = sb[t]!;
        let acc = 0;
        if (!isZero(b)) acc += 4 * (sa[t]! / b);
        out[t] = acc;
      }
    } else if (w === 1) {
      for (let t = first; t < rows; t++) {
        const b = sb[t]!;
        if (!isZero(b)) out[t] = out[t]! + 2 * (sa[t]! / b);
      }
    } else {
      for (let t = first; t < rows; t++) {
        const b = sb[t]!;
        let acc = out[t]!;
        if (!isZero(b)) acc += sa[t]! / b;
        out[t] = 100 * (acc / 7);
      }
    }
  }
}
