import { toColumns } from '../../core/candles/candle';
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
import { parseArgs, requireOne } from '../args';
import { loadShippedPriceEnsemble } from '../models';
import { CliError } from '../errors';
import { csvNumber, readCandlesFile, writeOutput } from '../io';
import type { Command } from './index';

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

/** CSV text of a batch: empty cells in warm-up rows (and wherever a value is not finite). */
export function formatPredictCsv(time: ArrayLike<number>, close: ArrayLike<number>, batch: PriceBatch): string {
  const lines = [predictHeader().join(',')];
  for (let r = 0; r < batch.rows; r++) {
    const cells = [csvNumber(time[r]), csvNumber(close[r])];
    for (const h of PRICE_HORIZONS) {
      const c = batch.horizons[h];
      cells.push(
        csvNumber(c.prediction[r]),
        csvNumber(c.return[r]),
        csvNumber(c.lower[r]),
        csvNumber(c.upper[r]),
        csvNumber(c.confidence[r]),
        csvNumber(c.skill[r]),
      );
      for (const m of ENSEMBLE_MEMBERS) cells.push(csvNumber(c.memberReturns[m][r]));
    }
    cells.push(csvNumber(batch.ood[r]), csvNumber(batch.oodFlag[r]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function loadModel(dir: string): Promise<PriceEnsemble> {
  try {
    // The shipped models are checked against their manifest checksums; another folder is loaded as it is.
    return await (dir === DEFAULT_PRICE_MODEL_DIR ? loadShippedPriceEnsemble() : loadPriceEnsembleFromDir(dir));
  } catch (err) {
    if (err instanceof PriceEnsembleLoadError) throw new CliError(`price predictor not loaded: ${err.message}`);
    throw new CliError(
      `price predictor not loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}

/**
 * `candlecast predict <csv> [--out F] [--models DIR]`: the price ensemble's predictions for every candle
 * (SPEC §6), from the same feature engine and models as the app; `--models` points at another model folder.
 */
export const predictCommand: Command = {
  summary: 'price predictions (1, 5, 15, 60 candles): 80% intervals, confidence, skill/abstention, OOD (CSV)',
  async run(argv) {
    const args = parseArgs(argv, ['out', 'models']);
    const file = requireOne(args, 'candle CSV file');
    const candles = readCandlesFile(file);
    const model = await loadModel(args.options.get('models') ?? DEFAULT_PRICE_MODEL_DIR);
    try {
      const cols = toColumns(candles);
      const timeframe = inferTimeframe(cols.time);
      if (!timeframe) throw new CliError(`${file}: cannot tell the timeframe from the candle times`);
      const matrix = modelFeatureMatrix(cols);
      const batch = await model.predictSeries(matrix.values, matrix.rows, cols.close, timeframe);
      writeOutput(formatPredictCsv(cols.time, cols.close, batch), args.options.get('out'));
    } finally {
      await model.dispose();
    }
  },
};
