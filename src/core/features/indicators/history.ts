import { Indicator } from './indicator';
/**
 * The last `capacity` values of a per-candle series, indexed backwards: `ago(0)` is the newest. `update`
 * with replace = true rewrites the newest value in place (no snapshot needed); `value` is the newest value.
 */
export class History extends Indicator {
  private readonly buf: Float64Array;
  private readonly cap: number;
  private count = 0;

  constructor(capacity: number) {
    super();
    this.cap = capacity;
    this.buf = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  update(x: number, replace: boolean): number {
    if (!replace) this.count++;
    this.buf[(this.count - 1) % this.cap] = x;
    return (this.result = x);
  }

  /** Value k candles back (k < capacity), NaN when not available. */
  ago(k: number): number {
    return k < this.count ? this.buf[(this.count - 1 - k) % this.cap]! : NaN;
  }
}
