import type { Candle } from '../core/candles/candle';
import { candleProblem, seriesOrderProblem } from '../core/candles/validate';
import type { Timeframe } from '../core/candles/timeframe';

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
}

/**
 * Parses candles from CSV text: either with the header `time,open,high,low,close,volume` (time in epoch ms
 * or ISO 8601) or Binance's raw 12-column kline CSV without a header. Every row is validated and the times
 * must be strictly ascending; the first problem throws a CsvError naming the line. Blank lines are skipped.
 */
export function parseCandlesCsv(text: string, options: ParseCsvOptions = {}): Candle[] {
  const source = options.source ?? 'input';
  const lines = text.split(/\r?\n/);
  let firstContent = 0;
  while (firstContent < lines.length && lines[firstContent]!.trim() === '') firstContent++;
  if (firstContent === lines.length) throw new CsvError(source, 1, 'no candles: the input is empty');
  const first = stripBom(lines[firstContent]!).trim();
  const hasHeader = /[a-z]/i.test(first.split(',')[0] ?? '') && !ISO_8601.test(first.split(',')[0]!.trim());
  let startLine = firstContent;
  let columnCount = 6;
  if (hasHeader) {
    const header = first.split(',').map((h) => h.trim().toLowerCase());
    if (header.join(',') !== CANDLE_CSV_HEADER) {
      throw new CsvError(source, firstContent + 1, `bad header "${first}" (expected "${CANDLE_CSV_HEADER}")`);
    }
    startLine = firstContent + 1;
  } else {
    const n = first.split(',').length;
    if (n !== 12) {
      throw new CsvError(
        source,
        firstContent + 1,
        `missing header: expected "${CANDLE_CSV_HEADER}" or Binance's 12-column kline rows, found ${n} columns`,
      );
    }
    columnCount = 12;
  }

  const candles: Candle[] = [];
  let prevTime = Number.NEGATIVE_INFINITY;
  for (let i = startLine; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    const cells = raw.split(',');
    if (cells.length !== columnCount) {
      throw new CsvError(source, lineNo, `expected ${columnCount} columns, found ${cells.length}`);
    }
    const values: number[] = [];
    for (let k = 0; k < 6; k++) {
      const cell = cells[k]!.trim().replace(/^"|"$/g, '');
      const value = k === 0 ? parseTime(cell) : parseNumber(cell);
      if (value === null)
        throw new CsvError(source, lineNo, `${COLUMNS[k]} "${cell}" is not a ${k === 0 ? 'time' : 'number'}`);
      values.push(value);
    }
    const candle: Candle = {
      time: values[0]!,
      open: values[1]!,
      high: values[2]!,
      low: values[3]!,
      close: values[4]!,
      volume: values[5]!,
    };
    const problem = candleProblem(candle, options.timeframe) ?? seriesOrderProblem(prevTime, candle.time);
    if (problem) throw new CsvError(source, lineNo, problem);
    prevTime = candle.time;
    candles.push(candle);
  }
  if (candles.length === 0) throw new CsvError(source, startLine + 1, 'no candles: only a header');
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

function parseTime(cell: string): number | null {
  if (/^\d+$/.test(cell)) {
    const v = Number(cell);
    if (!Number.isSafeInteger(v)) return null;
    // Binance switched spot klines to microseconds in 2025; accept both.
    return v > 1e14 ? Math.floor(v / 1000) : v;
  }
  if (!ISO_8601.test(cell)) return null;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(cell);
  const v = Date.parse(hasZone || cell.length === 10 ? cell : `${cell.replace(' ', 'T')}Z`);
  return Number.isFinite(v) ? v : null;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
