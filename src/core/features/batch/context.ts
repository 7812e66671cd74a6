/**
 * What every batch feature group works on: the candle columns, the output columns (one per FEATURES entry,
 * NaN = empty) and a pool of work columns of the same length.
 */
export class BatchContext {
  readonly rows: number;
  private readonly free: Float64Array[] = [];

  constructor(
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
    readonly volume: Float64Array,
    private readonly columns: readonly Float64Array[],
  ) {
    this.rows = close.length;
  }

  /** Output column of feature `index` (FEATURES order). */
  col(index: number): Float64Array {
    return this.columns[index]!;
  }

  /** A work column of `rows` values (contents undefined); hand it back with `give` when done. */
  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.rows);
  }

  give(...cols: Float64Array[]): void {
    this.free.push(...cols);
  }
}
