import type { Candle } from '../../core/candles/candle';
import { toColumns } from '../../core/candles/candle';
import { computeFeaturesParallel } from '../../core/features/batch/parallel-node';
import { FeatureEngine } from '../../core/features';
import { FEATURE_NAMES } from '../../core/features/registry';
import { parseArgs, requireOne } from '../args';
import { CliError } from '../errors';
import { csvNumber, readCandlesFile, writeOutput } from '../io';
import type { Command } from './index';

/** Feature columns (FEATURES order) by streaming every candle through one FeatureEngine. */
function streamColumns(candles: readonly Candle[]): Float64Array[] {
  const n = candles.length;
  const cols = FEATURE_NAMES.map(() => new Float64Array(n));
  const engine = new FeatureEngine();
  for (let i = 0; i < n; i++) {
    const row = engine.update(candles[i]!);
    for (let f = 0; f < row.length; f++) cols[f]![i] = row[f]!;
  }
  return cols;
}

/**
 * `candlecast features <csv> [--out F] [--mode stream|batch]`: `time`, then one column per registry
 * feature in registry order; empty cells during warm-up (or where a feature is undefined). Both modes
 * give identical values; `stream` feeds the candles one by one through the streaming engine.
 */
export const featuresCommand: Command = {
  summary: 'all registry features per candle (CSV), streaming or batch',
  async run(argv) {
    const args = parseArgs(argv, ['out', 'mode']);
    const file = requireOne(args, 'candle CSV file');
    const mode = args.options.get('mode') ?? 'batch';
    if (mode !== 'stream' && mode !== 'batch') throw new CliError(`--mode must be "stream" or "batch", got "${mode}"`);
    const candles = readCandlesFile(file);
    const cols = mode === 'stream' ? streamColumns(candles) : await computeFeaturesParallel(toColumns(candles));
    const lines: string[] = [['time', ...FEATURE_NAMES].join(',')];
    const row: string[] = new Array<string>(FEATURE_NAMES.length + 1);
    for (let i = 0; i < candles.length; i++) {
      row[0] = csvNumber(candles[i]!.time);
      for (let f = 0; f < cols.length; f++) row[f + 1] = csvNumber(cols[f]![i]);
      lines.push(row.join(','));
    }
    writeOutput(`${lines.join('\n')}\n`, args.options.get('out'));
  },
};
