import { RunningWindowSum } from './sma';
import { taIsZero } from './ta-util';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters

/**
 * TA-Lib ULTOSC(p1, p2, p3): buying pressure close - min(low, prev_close) and true range summed over three
 * windows (TA-Lib's running-total order), 100 * (4 a1/b1 + 2 a2/b2 + a3/b3) / 7. Feed candles 1, 2, ...
 * (those with a previous close); first value at index max(p1, p2, p3).
 */
export class UltOsc {
  private readonly a1: RunningWindowSum;
  private readonly a2: RunningWindowSum;
  private readonly a3: RunningWindowSum;
  private readonly b1: RunningWindowSum;
  private readonly b2: RunningWindowSum;
  private readonly b3: RunningWindowSum;
  value = NaN;

  constructor(p1: number, p2: number, p3: number) {
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
    if (a1 !== a1 || a2 !== a2 || a3 !== a3) return (this.value = NaN);
    let out = 0;
    if (!isZero(b1)) out += 4 * (a1 / b1);
    if (!isZero(b2)) out += 2 * (a2 / b2);
    if (!isZero(b3)) out += a3 / b3;
    return (this.value = 100 * (out / 7));
  }
}
