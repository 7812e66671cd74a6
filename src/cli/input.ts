import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
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

  push(c: Candle): void {
    if (this.count === this.cols[0]!.length) {
      this.cols = this.cols.map((col) => {
        const grown = new Float64Array(col.length * 2);
        grown.set(col);
        return grown;
      });
    }
    const i = this.count++;
    this.cols[0]![i] = c.time;
    this.cols[1]![i] = c.open;
    this.cols[2]![i] = c.high;
    this.cols[3]![i] = c.low;
    this.cols[4]![i] = c.close;
    this.cols[5]![i] = c.volume;
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

/** Reads a candle CSV (SPEC §6 formats) in 1 MiB chunks, so the text of a file of any size is never held whole. */
function readCsvColumns(path: string): CandleColumns {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw cannotRead(path, err);
  }
  const reader = new CandleCsvReader({ source: path, onNote: note });
  const out = new ColumnBuilder();
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let carry = '';
  let lineNo = 0;
  let skipLf = false;
  const take = (line: string): void => {
    const candle = reader.line(line, ++lineNo);
    if (candle) out.push(candle);
  };
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (err) {
        throw cannotRead(path, err);
      }
      let text = n === 0 ? decoder.end() : decoder.write(buffer.subarray(0, n));
      if (skipLf && text.startsWith('\n')) text = text.slice(1);
      skipLf = false;
      text = carry + text;
      // A CR at the end may be the first half of a CRLF split across chunks.
      if (n > 0 && text.endsWith('\r')) {
        text = `${text.slice(0, -1)}\n`;
        skipLf = true;
      }
      const lines = text.split(/\r\n|\r|\n/);
      carry = n === 0 ? '' : lines.pop()!;
      for (const line of lines) take(line);
      if (n === 0) break;
      if (carry.length > 1 << 24) throw new CsvError(path, lineNo + 1, 'line longer than 16 MiB');
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
