import { taIsZero } from './ta-util';
import { Indicator } from './indicator';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters

/**
 * TA-Lib ATR / NATR over a stream of true ranges (the first candle has none): the first value is the
 * mean of the first n true ranges (index n), then atr = (atr * (n-1) + tr) / n.
 */
export class Atr extends Indicator {
  readonly period: number;
  private count = 0; // true ranges seen
  private acc = 0;
  private pCount = 0;
  private pAcc = 0;

  constructor(period: number) {
    super();
    this.period = period;
  }

  /** Feed the true range of candles 1, 2, ... */
  update(tr: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const i = ++this.count;
    if (i < n) {
      this.acc += tr;
      return (this.result = NaN);
    }
    if (i === n) {
      this.acc += tr;
      this.acc /= n;
    } else {
      this.acc *= n - 1;
      this.acc += tr;
      this.acc /= n;
    }
    return (this.result = this.acc);
  }

  protected override save(): void {
    this.pCount = this.count;
    this.pAcc = this.acc;
  }

  protected override restore(): void {
    this.count = this.pCount;
    this.acc = this.pAcc;
  }

  /** TA-Lib NATR for the current value. */
  natr(close: number): number {
    const a = this.result;
    if (a !== a) return NaN;
    return isZero(close) ? 0 : (a / close) * 100;
  }
}

/**
 * Batch twin of Atr: feeds the true ranges tr[start], tr[start + 1], ... and writes the ATR after each
 * update to out[t] (NaN until `period` true ranges were seen), with the same operations as `update`.
 */
export function atrBatch(tr: Float64Array, start: number, period: number, out: Float64Array): void {
  const rows = tr.length;
  const n = period;
  const seeded = Math.min(rows, start + n - 1);
  out.fill(NaN, 0, seeded);
  if (seeded >= rows) return;
  let acc = 0;
  for (let t = start; t < seeded; t++) acc += tr[t]!;
  acc += tr[seeded]!;
  acc /= n;
  out[seeded] = acc;
  for (let t = seeded + 1; t < rows; t++) {
    acc *= n - 1;
    acc += tr[t]!;
    acc /= n;
    out[t] = acc;
  }
}
