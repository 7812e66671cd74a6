import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import type { Candle } from '../core/candles/candle';
import { CsvError, parseCandlesCsv } from '../feeds/csv';
import { CliError } from './errors';

/** Reads and validates a candle CSV file; every problem becomes a one-line CliError naming file and line. */
export function readCandlesFile(path: string): Candle[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`);
  }
  try {
    return parseCandlesCsv(text, { source: path });
  } catch (err) {
    if (err instanceof CsvError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * Writes command output to `out` atomically (temporary file, then rename: nothing is partially written),
 * or to stdout when `out` is undefined.
 */
export function writeOutput(text: string, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, out);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw new CliError(`${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Formats a number for CSV output: empty cell for NaN / null (warm-up or undefined). */
export function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}
