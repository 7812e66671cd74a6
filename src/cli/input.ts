import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import type { Candle, CandleColumns } from '../core/candles/candle';
import { candleProblem, seriesOrderProblem } from '../core/candles/validate';
import { oneLine } from '../core/util/errors';
import { CandleCsvReader, CsvError } from '../feeds/csv';
import { CliError } from './errors';

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Float64 columns that grow by doubling as candles are appended; `columns()` trims them to the count. */
class ColumnBuilder {
  private cols: Float64Array[] = FIELDS.map(() => new Float64Array(1 << 16));
  count = 0;

  /** Appends one candle given as its six values (time, open, high, low, close, volume). */
  push(values: Float64Array): void {
    if (this.count === this.cols[0]!.length) {
      this.cols = this.cols.map((col) => {
        const grown = new Float64Array(col.length * 2);
        grown.set(col);
        return grown;
      });
    }
    const i = this.count++;
    for (let k = 0; k < 6; k++) this.cols[k]![i] = values[k]!;
  }

  columns(): CandleColumns {
    const [time, open, high, low, close, volume] = this.cols.map((c) => c.slice(0, this.count)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { time, open, high, low, close, volume };
  }
}

function cannotRead(path: string, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  return new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? oneLine(err)})`);
}

/** Notes about how the input was read (epoch seconds converted): one line each on stderr. */
function note(text: string): void {
  process.stderr.write(`candlecast: note: ${text}\n`);
}

const LF = 0x0a;
const CR = 0x0d;
/** Longest line accepted. */
const MAX_LINE_BYTES = 1 << 24;

/**
 * Reads a candle CSV (SPEC §6 formats) in 1 MiB chunks, so the text of a file of any size is never held whole:
 * lines are split on the bytes (LF, CRLF or CR) and handed to CandleCsvReader.lineBytes, which reads plain
 * numeric lines without making strings.
 */
function readCsvColumns(path: string): CandleColumns {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw cannotRead(path, err);
  }
  const reader = new CandleCsvReader({ source: path, onNote: note });
  const out = new ColumnBuilder();
  const values = new Float64Array(6);
  let buffer = Buffer.allocUnsafe(1 << 20);
  // bytes of an unfinished line, at the start of the buffer
  let carry = 0;
  let lineNo = 0;
  try {
    for (;;) {
      if (carry === buffer.length) {
        if (carry > MAX_LINE_BYTES) throw new CsvError(path, lineNo + 1, 'line longer than 16 MiB');
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, carry);
        buffer = grown;
      }
      let n: number;
      try {
        n = readSync(fd, buffer, carry, buffer.length - carry, null);
      } catch (err) {
        throw cannotRead(path, err);
      }
      const end = carry + n;
      let start = 0;
      let lf = buffer.indexOf(LF, 0);
      let cr = buffer.indexOf(CR, 0);
      for (;;) {
        if (lf !== -1 && lf < start) lf = buffer.indexOf(LF, start);
        if (cr !== -1 && cr < start) cr = buffer.indexOf(CR, start);
        const stop = Math.min(lf === -1 || lf >= end ? end : lf, cr === -1 || cr >= end ? end : cr);
        // no line end in the bytes read, or a CR at their end that may be the first half of a CRLF
        if (stop === end || (stop === cr && stop === end - 1 && n > 0)) break;
        lineNo++;
        if (reader.lineBytes(buffer, start, stop, lineNo, values)) out.push(values);
        start = stop === cr && buffer[stop + 1] === LF && stop + 1 < end ? stop + 2 : stop + 1;
      }
      if (n === 0) {
        lineNo++;
        if (start < end && reader.lineBytes(buffer, start, end, lineNo, values)) out.push(values);
        break;
      }
      buffer.copy(buffer, 0, start, end);
      carry = end - start;
      if (carry > MAX_LINE_BYTES) throw new CsvError(path, lineNo + 1, 'line longer than 16 MiB');
    }
    reader.finish();
  } catch (err) {
    if (err instanceof CsvError) throw new CliError(err.message);
    throw err;
  } finally {
    closeSync(fd);
  }
  return out.columns();
}

/**
 * Reads candles from a Parquet file (hyparquet): columns time (INT64 / INT32 epoch ms, a TIMESTAMP or DOUBLE),
 * open, high, low, close, volume (any numeric type); the same validation as CSV, rows named by number.
 */
async function readParquetColumns(path: string): Promise<CandleColumns> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw cannotRead(path, err);
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    throw new CliError(`${path}: not a readable Parquet file (${oneLine(err)})`);
  }
  const names = metadata.schema.slice(1).map((s) => s.name.toLowerCase());
  const missing = FIELDS.filter((f) => !names.includes(f));
  if (missing.length > 0) {
    throw new CliError(
      `${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (has ${names.join(', ')})`,
    );
  }
  for (const f of FIELDS) {
    const el = metadata.schema[1 + names.indexOf(f)]!;
    const numeric = el.type === 'INT64' || el.type === 'INT32' || el.type === 'DOUBLE' || el.type === 'FLOAT';
    if (!numeric || el.converted_type === 'UTF8')
      throw new CliError(`${path}: column ${f} is ${el.type ?? 'a group'}, expected numbers`);
  }
  const rows = Number(metadata.num_rows);
  const cols = FIELDS.map(() => new Float64Array(rows));
  try {
    await parquetRead({
      file,
      metadata,
      columns: FIELDS.map((f) => metadata.schema[1 + names.indexOf(f)]!.name),
      utf8: false,
      onChunk({ columnName, columnData, rowStart }) {
        const k = names.indexOf(columnName.toLowerCase());
        const col = cols[k]!;
        for (let i = 0; i < columnData.length; i++) {
          const v = columnData[i] as unknown;
          col[rowStart + i] =
            typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : typeof v === 'number' ? v : NaN;
        }
      },
    });
  } catch (err) {
    throw new CliError(`${path}: not a readable Parquet file (${oneLine(err)})`);
  }
  if (rows === 0) throw new CliError(`${path}: no candles: the file has no rows`);
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows; i++) {
    const c: Candle = {
      time: cols[0]![i]!,
      open: cols[1]![i]!,
      high: cols[2]![i]!,
      low: cols[3]![i]!,
      close: cols[4]![i]!,
      volume: cols[5]![i]!,
    };
    const problem = candleProblem(c) ?? seriesOrderProblem(prev, c.time);
    if (problem) throw new CliError(`${path}: row ${i + 1}: ${problem}`);
    prev = c.time;
  }
  const [time, open, high, low, close, volume] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { time, open, high, low, close, volume };
}

/** Reads and validates a candle file: Parquet by the `.parquet` extension, else CSV; every problem is one CliError line. */
export async function readCandleColumns(path: string): Promise<CandleColumns> {
  return /\.parquet$/i.test(path) ? readParquetColumns(path) : readCsvColumns(path);
}

/** The candle at row `i` of columns. */
export function candleAt(cols: CandleColumns, i: number): Candle {
  return {
    time: cols.time[i]!,
    open: cols.open[i]!,
    high: cols.high[i]!,
    low: cols.low[i]!,
    close: cols.close[i]!,
    volume: cols.volume[i]!,
  };
}
