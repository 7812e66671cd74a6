import { fromColumns, type Candle } from '../core/candles/candle';
import { readCandleColumns } from './input';

/**
 * The command line's input and output layer, for every command that reads candles and writes a table:
 * - `readCandleColumns(path)` (input.ts): CSV (both SPEC §6 formats, read in chunks) or Parquet, validated.
 * - `withOutput(out, inputs, body)` / `writeOutput(text, out, inputs)` (output.ts): `-` or no --out is stdout;
 *   a file is written beside its target and renamed (removed on error and on SIGINT / SIGTERM); pipes and devices
 *   are written into; an --out that is an input is refused.
 * - `openTable(sink, header, formatOf(out))` (table.ts): CSV blocks or Parquet row groups as they are computed.
 * - `progress(label, total, quiet)` (progress.ts): a bar on stderr when it is a terminal.
 */
export { readCandleColumns, candleAt } from './input';
export { withOutput, writeOutput, resolveOutput } from './output';
export { csvNumber, formatOf, openTable } from './table';
export { progress } from './progress';

/** Reads and validates a candle file (CSV or Parquet) as candles; every problem is a one-line CliError. */
export async function readCandles(path: string): Promise<Candle[]> {
  return fromColumns(await readCandleColumns(path));
}
