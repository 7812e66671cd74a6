import { inferTimeframe } from '../../core/candles/timeframe';
import { modelFeatureMatrix } from '../../core/features';
import {
  ENSEMBLE_MEMBERS,
  PRICE_HORIZONS,
  PriceEnsembleLoadError,
  type PriceBatch,
  type PriceEnsemble,
} from '../../core/models/price-ensemble';
import { DEFAULT_PRICE_MODEL_DIR, loadPriceEnsembleFromDir } from '../../core/models/price-ensemble-node';
import { oneLine } from '../../core/util/errors';
import { parseArgs, requireOne } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';
import { formatOf, openTable, readCandleColumns, resolveOutput, withOutput } from '../io';
import { loadShippedPriceEnsemble } from '../models';

/**
 * `time,close`, then per horizon h: pred_h, ret_h, lo_h, hi_h, conf_h, skill_h (1 claimed, 0 abstained) and
 * ret_h_<member>; then ood (dissimilarity score) and ood_flag (SPEC §6).
 */
export function predictHeader(): string[] {
  const cols = ['time', 'close'];
  for (const h of PRICE_HORIZONS) {
    cols.push(`pred_${h}`, `ret_${h}`, `lo_${h}`, `hi_${h}`, `conf_${h}`, `skill_${h}`);
    for (const m of ENSEMBLE_MEMBERS) cols.push(`ret_${h}_${m}`);
  }
  cols.push('ood', 'ood_flag');
  return cols;
}

/** The columns of predictHeader() for a batch: NaN (empty) in warm-up rows and wherever a value is not finite. */
export function predictColumns(
  time: ArrayLike<number>,
  close: ArrayLike<number>,
  batch: PriceBatch,
): ArrayLike<number>[] {
  const columns: ArrayLike<number>[] = [time, close];
  for (const h of PRICE_HORIZONS) {
    const c = batch.horizons[h];
    columns.push(c.prediction, c.return, c.lower, c.upper, c.confidence, c.skill);
    for (const m of ENSEMBLE_MEMBERS) columns.push(c.memberReturns[m]);
  }
  columns.push(batch.ood, batch.oodFlag);
  return columns;
}

async function loadModel(dir: string): Promise<PriceEnsemble> {
  try {
    // The shipped models are checked against their manifest checksums; another folder is loaded as it is.
    return await (dir === DEFAULT_PRICE_MODEL_DIR ? loadShippedPriceEnsemble() : loadPriceEnsembleFromDir(dir));
  } catch (err) {
    if (err instanceof PriceEnsembleLoadError) throw new CliError(`price predictor not loaded: ${err.message}`);
    throw new CliError(`price predictor not loaded: ${oneLine(err)}`);
  }
}

/**
 * `candlecast predict <csv|parquet> [--out F] [--models DIR]`: the price ensemble's predictions for every candle
 * (SPEC §6), from the same feature engine and models as the app; `--models` points at another model folder.
 */
export const predictCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['out', 'models'], ['quiet']);
    const file = requireOne(args, 'candle file');
    const out = args.options.get('out');
    resolveOutput(out, [file]);
    const cols = await readCandleColumns(file);
    const timeframe = inferTimeframe(cols.time);
    if (!timeframe) throw new CliError(`${file}: cannot tell the timeframe from the candle times`);
    const model = await loadModel(args.options.get('models') ?? DEFAULT_PRICE_MODEL_DIR);
    try {
      const matrix = modelFeatureMatrix(cols);
      const batch = await model.predictSeries(matrix.values, matrix.rows, cols.close, timeframe);
      const columns = predictColumns(cols.time, cols.close, batch);
      await withOutput(out, [file], async (sink) => {
        const table = openTable(sink, predictHeader(), formatOf(out));
        await table.write(columns, 0, matrix.rows);
        await table.finish();
      });
    } finally {
      await model.dispose();
    }
  },
};
