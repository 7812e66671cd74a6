import type { Candle, CandleColumns } from '../candles/candle';
import { toColumns } from '../candles/candle';
import { computeFeatures, modelMatrixOf } from '../features';
import { featureIndex } from '../features/registry';
import { buildInsight, TREND_LOOKBACK, type CnnOutput } from '../insights/builder';
import { modelStatusOf, type PipelineModels, type PriceServed } from '../insights/pipeline';
import { DEFAULT_SIGNAL_COST } from '../insights/signals';
import type { Signal } from '../insights/types';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { detectPatterns } from '../patterns/rules';
import { cnnSeries } from '../patterns/cnn-series';
import { WINDOW_LENGTH } from '../patterns/window';

/** Where a long computation is: `done` of `total` units of the named stage. */
export type BacktestProgress = (stage: string, fraction: number) => void;

/** The app's signals at every candle of a series, and where the models' warm-up ends. */
export interface SeriesSignals {
  /** The signals the app shows at the close of each candle (empty before the models are warm). */
  signals: Signal[][];
  /** First candle with a complete insight (the price model past warm-up, or the CNN window when it is absent). */
  firstScored: number;
  modelVersion: string | null;
}

const RSI_14 = featureIndex('rsi_14');

async function cnnProbabilities(
  models: PipelineModels,
  cols: CandleColumns,
  progress: BacktestProgress,
): Promise<Float32Array | null> {
  const cnn = models.cnn;
  if (!cnn) return null;
  progress('pattern CNN', 0);
  return cnnSeries(cnn, cols, (fraction) => progress('pattern CNN', fraction));
}

/**
 * THE coupling of the backtest to the models and the insight pipeline (keep it in this one function): the
 * signals the app would show at the close of every candle, computed in batches but from exactly the inputs
 * InsightPipeline.insight() gives buildInsight for that candle (batch features equal streaming features bit
 * for bit; the CNN sees the 20-candle window ending at the candle; the price ensemble the model features of
 * the candle). Every input of candle i depends on candles 0..i only, so nothing looks ahead.
 */
export async function appSignals(
  candles: readonly Candle[],
  models: PipelineModels,
  key: { exchange: string; symbol: string; timeframe: string },
  progress: BacktestProgress = () => {},
  cost: number = DEFAULT_SIGNAL_COST,
): Promise<SeriesSignals> {
  const cols = toColumns(candles);
  const n = candles.length;
  progress('features', 0); // each stage reports its start, so a timer attributes each span to its own stage
  const columns = computeFeatures(cols);
  const rules = detectPatterns(cols);
  const probabilities = await cnnProbabilities(models, cols, progress);
  let predictions: Array<PriceServed | null> = new Array<null>(n).fill(null);
  if (models.price) {
    progress('price ensemble', 0);
    const matrix = modelMatrixOf(columns);
    predictions = await models.price.serveSeries(matrix.values, matrix.rows, cols.close, key.timeframe);
    progress('price ensemble', 1);
  }
  const thresholds = models.cnn ? PATTERN_NAMES.map((p) => models.cnn!.thresholds[p]) : [];
  const modelStatus = modelStatusOf(models);
  const rsi = columns[RSI_14]!;
  const k = PATTERN_NAMES.length;
  progress('signals', 0);
  const signals: Signal[][] = new Array<Signal[]>(n);
  let firstScored = -1;
  for (let i = 0; i < n; i++) {
    const warm = models.price ? predictions[i] !== null : i >= WINDOW_LENGTH - 1;
    if (!warm) {
      signals[i] = [];
      continue;
    }
    if (firstScored < 0) firstScored = i;
    const ruleState = {} as Record<PatternName, boolean>;
    for (const p of PATTERN_NAMES) ruleState[p] = rules[p][i] === 1;
    const cnn: CnnOutput | null =
      probabilities && i >= WINDOW_LENGTH - 1
        ? { probabilities: probabilities.subarray(i * k, (i + 1) * k), thresholds }
        : null;
    const r = rsi[i]!;
    signals[i] = buildInsight({
      ...key,
      recent: candles.slice(Math.max(0, i - TREND_LOOKBACK - 2), i + 1),
      rules: ruleState,
      cnn,
      predictions: predictions[i]?.predictions ?? null,
      ood: predictions[i]?.ood ?? null,
      cost,
      rsi14: Number.isFinite(r) ? r : null,
      modelStatus,
      computedMs: 0,
    }).signals;
    if ((i & 4095) === 0) progress('signals', i / n);
  }
  progress('signals', 1);
  return { signals, firstScored: firstScored < 0 ? n : firstScored, modelVersion: modelStatus.model_version };
}
