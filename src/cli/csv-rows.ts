/** Formats a number for CSV output: empty cell for NaN / null (warm-up or undefined). */
export function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

/**
 * CSV rows of a table's columns: each line formatted as one string (String(v): the shortest text that reads back
 * as the same double) and copied, as latin1 (the text is ASCII: numbers and commas), into a buffer of its own
 * per call, so no block-sized string or array of lines is built. Runs on this thread or on a table thread
 * (table-pool.ts); buffers given back by `recycle` are reused.
 */
export class CsvRowFormatter {
  private readonly spare: ArrayBuffer[] = [];

  /** Gives back the buffer of formatted rows that are written out, for a later call. */
  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < 4) this.spare.push(buffer);
  }

  /** Rows `from` to `from + n - 1` of `columns` (one array per header name) as CSV lines. */
  format(columns: readonly ArrayLike<number>[], from: number, n: number): Uint8Array {
    const k = columns.length;
    let buffer = Buffer.from(this.spare.pop() ?? new ArrayBuffer(Math.max(1 << 16, n * k * 20)));
    let used = 0;
    for (let i = from; i < from + n; i++) {
      let line = csvNumber(columns[0]![i]);
      for (let c = 1; c < k; c++) line += `,${csvNumber(columns[c]![i])}`;
      line += '\n';
      if (used + line.length > buffer.length) {
        const grown = Buffer.from(new ArrayBuffer(Math.max(buffer.length * 2, used + line.length)));
        buffer.copy(grown, 0, 0, used);
        buffer = grown;
      }
      used += buffer.write(line, used, 'latin1');
    }
    return buffer.subarray(0, used);
  }
}
