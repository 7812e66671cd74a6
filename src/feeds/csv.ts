import type { Candle } from '../core/candles/candle';
import { candleProblem, MAX_PRICE, MAX_VOLUME, seriesOrderProblem } from '../core/candles/validate';
import type { Timeframe } from '../core/candles/timeframe';
import { printable } from '../core/util/errors';

/** A problem in CSV input, naming the source, the 1-based line and what is wrong. */
export class CsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'CsvError';
  }
}

export const CANDLE_CSV_HEADER = 'time,open,high,low,close,volume';
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface ParseCsvOptions {
  /** Name used in error messages (a file path, or "import"). */
  source?: string;
  /** When given, every candle's time must sit on this timeframe's grid. */
  timeframe?: Timeframe;
  /**
   * Receives notes about how the input was read (epoch seconds converted to milliseconds). Without it,
   * epoch seconds are rejected with the fix instead of being converted silently.
   */
  onNote?: (note: string) => void;
}

/**
 * 10- and 11-digit times (2001-09-09 to 5138 in seconds; 1970-01-12 to 1973-03-03 in milliseconds) are epoch
 * seconds. Smaller integers stay milliseconds (synthetic series counting from 0).
 */
const SECONDS_FROM = 1e9;
const SECONDS_BELOW = 1e11;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
/** 10^0 to 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** UTF-8 decoder for lines given as bytes; a byte-order mark is kept (the reader strips it where it reads a header). */
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads candle CSV one line at a time (SPEC §6: the `time,open,high,low,close,volume` header, time in epoch
 * ms or ISO 8601, or Binance's raw 12-column kline rows without a header), so a file of any size can be read
 * in chunks. Every row is validated and times must be strictly ascending; the first problem throws a CsvError
 * naming the line. Blank lines are skipped.
 */
export class CandleCsvReader {
  private readonly source: string;
  private columnCount = 0;
  private prevTime = Number.NEGATIVE_INFINITY;
  private seconds: boolean | null = null;
  private headerLine = 0;
  /** The six values of the line being read (reused: the candle returned is a new object). */
  private readonly values = [0, 0, 0, 0, 0, 0];
  /** Candles read so far. */
  count = 0;

  constructor(private readonly options: ParseCsvOptions = {}) {
    this.source = options.source ?? 'input';
  }

  /** One line without its terminator (1-based `lineNo`): the candle it holds, or null for a header or blank line. */
  line(text: string, lineNo: number): Candle | null {
    const raw = text.trim();
    if (raw === '') return null;
    if (this.columnCount === 0) {
      if (this.start(stripBom(raw), lineNo)) return null;
    }
    const cells = raw.split(',');
    if (cells.length !== this.columnCount) {
      throw new CsvError(this.source, lineNo, `expected ${this.columnCount} columns, found ${cells.length}`);
    }
    const values = this.values;
    for (let k = 0; k < 6; k++) {
      let cell = cells[k]!.trim();
      // quotes are rare: the regex runs only on a cell that starts or ends with one
      if (cell.charCodeAt(0) === QUOTE || cell.charCodeAt(cell.length - 1) === QUOTE) cell = cell.replace(/^"|"$/g, '');
      const value = k === 0 ? this.time(cell, lineNo) : parseNumber(cell);
      if (value === null)
        throw new CsvError(this.source, lineNo, `${COLUMNS[k]} ${quote(cell)} is not a ${k === 0 ? 'time' : 'number'}`);
      values[k] = value;
    }
    const candle: Candle = {
      time: values[0]!,
      open: values[1]!,
      high: values[2]!,
      low: values[3]!,
      close: values[4]!,
      volume: values[5]!,
    };
    const problem = candleProblem(candle, this.options.timeframe) ?? seriesOrderProblem(this.prevTime, candle.time);
    if (problem) throw new CsvError(this.source, lineNo, problem);
    this.prevTime = candle.time;
    this.count++;
    return candle;
  }

  /**
   * One line given as UTF-8 bytes `start` to `end - 1` of `bytes` (without its terminator): true when it holds a
   * candle, whose time, open, high, low, close and volume are then in `into`; false for a header or blank line.
   * The same values and the same CsvError as `line()`: a line of plain unsigned decimals (the common case once
   * the first candle has set the format) is read straight from the bytes and checked as `line()` checks it;
   * any other line, and any line with a problem, goes through `line()`.
   */
  lineBytes(bytes: Uint8Array, start: number, end: number, lineNo: number, into: Float64Array): boolean {
    if (this.plainLine(bytes, start, end, into)) {
      this.prevTime = into[0]!;
      this.count++;
      return true;
    }
    const candle = this.line(UTF8.decode(bytes.subarray(start, end)), lineNo);
    if (candle === null) return false;
    into[0] = candle.time;
    into[1] = candle.open;
    into[2] = candle.high;
    into[3] = candle.low;
    into[4] = candle.close;
    into[5] = candle.volume;
    return true;
  }

  /**
   * The fast path of lineBytes: the six values of a line of unsigned decimals (time: digits; the others: digits
   * with at most one point, at most 15 digits, so each is the exact integer of its digits divided by an exact
   * power of ten: one correctly rounded division, the double Number() gives) that is a valid candle after the
   * previous one; false (the reader unchanged) for anything else, which `line()` then reads or rejects.
   */
  private plainLine(b: Uint8Array, start: number, end: number, v: Float64Array): boolean {
    if (this.seconds === null || this.columnCount === 0 || this.options.timeframe !== undefined) return false;
    let i = start;
    for (let k = 0; k < 6; k++) {
      let m = 0;
      let digits = 0;
      let frac = -1;
      for (; i < end; i++) {
        const d = b[i]! - ZERO;
        if (d >= 0 && d <= 9) {
          m = m * 10 + d;
          digits++;
          if (frac >= 0) frac++;
        } else if (b[i] === DOT && frac < 0 && k > 0) frac = 0;
        else break;
      }
      if (digits === 0) return false;
      if (k === 0) {
        // m is exact while it is a safe integer (and no longer one once it is past)
        if (m > Number.MAX_SAFE_INTEGER) return false;
        if (this.seconds) {
          if (m >= SECONDS_BELOW) return false;
          m *= 1000;
        } else if (m > 1e14) m = Math.floor(m / 1000);
        v[0] = m;
      } else {
        if (digits > 15) return false;
        v[k] = frac > 0 ? m / POW10[frac]! : m;
      }
      if (k < 5) {
        if (i === end || b[i] !== COMMA) return false;
        i++;
      }
    }
    if (this.columnCount === 6) {
      if (i !== end) return false;
    } else {
      // Binance rows: six more cells, not read
      let commas = 0;
      for (; i < end; i++) if (b[i] === COMMA) commas++;
      if (commas !== this.columnCount - 6) return false;
    }
    const [time, open, high, low, close, volume] = v as unknown as [number, number, number, number, number, number];
    return (
      time > this.prevTime &&
      open > 0 &&
      high > 0 &&
      low > 0 &&
      close > 0 &&
      open <= MAX_PRICE &&
      high <= MAX_PRICE &&
      low <= MAX_PRICE &&
      close <= MAX_PRICE &&
      volume <= MAX_VOLUME &&
      high >= low &&
      high >= Math.max(open, close) &&
      low <= Math.min(open, close)
    );
  }

  /** After the last line: throws when the input held no candle. */
  finish(): void {
    if (this.columnCount === 0) throw new CsvError(this.source, 1, 'no candles: the input is empty');
    if (this.count === 0) throw new CsvError(this.source, this.headerLine + 1, 'no candles: only a header');
  }

  /** Reads the format from the first non-blank line; true when that line is a header. */
  private start(first: string, lineNo: number): boolean {
    const firstCell = first.split(',')[0] ?? '';
    const hasHeader = /[a-z]/i.test(firstCell) && !ISO_8601.test(firstCell.trim());
    this.headerLine = lineNo;
    if (hasHeader) {
      const header = first.split(',').map((h) => h.trim().toLowerCase());
      if (header.join(',') !== CANDLE_CSV_HEADER) {
        throw new CsvError(this.source, lineNo, `bad header ${quote(first)} (expected "${CANDLE_CSV_HEADER}")`);
      }
      this.columnCount = 6;
      return true;
    }
    const n = first.split(',').length;
    if (n !== 12) {
      throw new CsvError(
        this.source,
        lineNo,
        `missing header: expected "${CANDLE_CSV_HEADER}" or Binance's 12-column kline rows, found ${n} columns`,
      );
    }
    this.columnCount = 12;
    return false;
  }

  private time(cell: string, lineNo: number): number | null {
    if (/^\d+$/.test(cell)) {
      const v = Number(cell);
      if (!Number.isSafeInteger(v)) return null;
      if (this.seconds === null) {
        this.seconds = v >= SECONDS_FROM && v < SECONDS_BELOW;
        if (this.seconds) {
          if (!this.options.onNote) {
            throw new CsvError(
              this.source,
              lineNo,
              `time ${cell} is in epoch seconds; times must be epoch milliseconds (multiply by 1000) or ISO 8601`,
            );
          }
          this.options.onNote(`${this.source}: times are epoch seconds (${cell} at line ${lineNo}); read as seconds`);
        }
      }
      if (this.seconds) {
        if (v >= SECONDS_BELOW)
          throw new CsvError(
            this.source,
            lineNo,
            `time ${cell} is in milliseconds but earlier times were epoch seconds`,
          );
        return v * 1000;
      }
      // Binance switched spot klines to microseconds in 2025; accept both.
      return v > 1e14 ? Math.floor(v / 1000) : v;
    }
    if (!ISO_8601.test(cell)) return null;
    const impossible = impossibleDate(cell);
    if (impossible) throw new CsvError(this.source, lineNo, `time "${cell}" is not a real date (${impossible})`);
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(cell);
    const v = Date.parse(hasZone || cell.length === 10 ? cell : `${cell.replace(' ', 'T')}Z`);
    return Number.isFinite(v) ? v : null;
  }
}

/**
 * Parses candles from CSV text (the formats of CandleCsvReader; LF, CRLF or CR line ends). Every row is validated
 * and the times must be strictly ascending; the first problem throws a CsvError naming the line.
 */
export function parseCandlesCsv(text: string, options: ParseCsvOptions = {}): Candle[] {
  const reader = new CandleCsvReader(options);
  const lines = text.split(/\r\n|\r|\n/);
  const candles: Candle[] = [];
  for (let i = 0; i < lines.length; i++) {
    const candle = reader.line(lines[i]!, i + 1);
    if (candle) candles.push(candle);
  }
  reader.finish();
  return candles;
}

/** Candles as CSV with the `time,open,high,low,close,volume` header (time in epoch ms). */
export function formatCandlesCsv(candles: readonly Candle[]): string {
  const rows = [CANDLE_CSV_HEADER];
  for (const c of candles) rows.push(`${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
  return rows.join('\n') + '\n';
}

function parseNumber(cell: string): number | null {
  if (!NUMBER.test(cell)) return null;
  const v = Number(cell);
  return Number.isFinite(v) ? v : null;
}

/** The problem with an ISO date's fields (month 13, February 30, hour 25), or null when it is a real date and time. */
function impossibleDate(cell: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(cell);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days`;
  if (m[4] !== undefined && Number(m[4]) > 23) return `there is no hour ${m[4]}`;
  if (m[5] !== undefined && Number(m[5]) > 59) return `there is no minute ${m[5]}`;
  if (m[6] !== undefined && Number(m[6]) > 59) return `there is no second ${m[6]}`;
  return null;
}

/** A cell quoted for an error message: control characters escaped, cut to 60 characters. */
function quote(cell: string): string {
  return `"${printable(cell, 60)}"`;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
