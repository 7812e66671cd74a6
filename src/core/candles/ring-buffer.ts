import type { Candle } from './candle';

/**
 * The last `capacity` candles of a stream in typed-array columns. `push` appends a new candle (dropping the
 * oldest when full); `replaceLast` rewrites the still-open candle in place. Index 0 is the oldest held candle.
 */
export class CandleRingBuffer {
  readonly capacity: number;
  private readonly time: Float64Array;
  private readonly open: Float64Array;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly volume: Float64Array;
  private head = 0; // slot of the oldest candle
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(c: Candle): void {
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.head + this.count) % this.capacity;
      this.count++;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % this.capacity;
    }
    this.write(slot, c);
  }

  /** Rewrites the newest candle (the still-open one). Throws when empty. */
  replaceLast(c: Candle): void {
    if (this.count === 0) throw new Error('replaceLast on an empty ring buffer');
    this.write((this.head + this.count - 1) % this.capacity, c);
  }

  /** Appends `c`, or replaces the newest candle when it has the same open time. */
  upsert(c: Candle): void {
    if (this.count > 0 && this.time[(this.head + this.count - 1) % this.capacity] === c.time) this.replaceLast(c);
    else this.push(c);
  }

  get(i: number): Candle {
    if (i < 0 || i >= this.count || !Number.isInteger(i))
      throw new RangeError(`index ${i} out of range [0, ${this.count})`);
    const s = (this.head + i) % this.capacity;
    return {
      time: this.time[s]!,
      open: this.open[s]!,
      high: this.high[s]!,
      low: this.low[s]!,
      close: this.close[s]!,
      volume: this.volume[s]!,
    };
  }

  last(): Candle | undefined {
    return this.count === 0 ? undefined : this.get(this.count - 1);
  }

  toArray(): Candle[] {
    const out: Candle[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.get(i));
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private write(slot: number, c: Candle): void {
    this.time[slot] = c.time;
    this.open[slot] = c.open;
    this.high[slot] = c.high;
    this.low[slot] = c.low;
    this.close[slot] = c.close;
    this.volume[slot] = c.volume;
  }
}
