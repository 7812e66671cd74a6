import type { Candle, CandleColumns } from '../candles/candle';
import type { SeriesKey } from '../candles/series-key';
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
 *
 * `visit(i, signals)` receives the signals of every candle past warm-up, in candle order; nothing is kept
 * here (`appSignals` collects them). With the price ensemble loaded, a candle's signals are built as soon as
 * the ensemble has served it (stage 'price ensemble'), so its served output dies young instead of 50,000 of
 * them being held for a separate pass; the 'signals' stage then covers the candles built without it.
 */
export async function visitAppSignals(
  candles: readonly Candle[],
  models: PipelineModels,
  key: SeriesKey,
  visit: (i: number, signals: Signal[]) => void,
  progress: BacktestProgress = () => {},
  cost: number = DEFAULT_SIGNAL_COST,
): Promise<{ firstScored: number; modelVersion: string | null }> {
  const cols = toColumns(candles);
  const n = candles.length;
  progress('features', 0); // each stage reports its start, so a timer attributes each span to its own stage
  const columns = computeFeatures(cols);
  const rules = detectPatterns(cols);
  const probabilities = await cnnProbabilities(models, cols, progress);
  const thresholds = models.cnn ? PATTERN_NAMES.map((p) => models.cnn!.thresholds[p]) : [];
  const modelStatus = modelStatusOf(models);
  const rsi = columns[RSI_14]!;
  const k = PATTERN_NAMES.length;
  let firstScored = -1;
  const signalsAt = (i: number, served: PriceServed | null): void => {
    if (firstScored < 0) firstScored = i;
    const ruleState = {} as Record<PatternName, boolean>;
    for (const p of PATTERN_NAMES) ruleState[p] = rules[p][i] === 1;
    const cnn: CnnOutput | null =
      probabilities && i >= WINDOW_LENGTH - 1
        ? { probabilities: probabilities.subarray(i * k, (i + 1) * k), thresholds }
        : null;
    const r = rsi[i]!;
    visit(
      i,
      buildInsight({
        // the key's fields one by one: spreading `key` into these inputs cost about a second of the
        // 50,000-candle backtest (measured)
        exchange: key.exchange,
        symbol: key.symbol,
        timeframe: key.timeframe,
        recent: candles.slice(Math.max(0, i - TREND_LOOKBACK - 2), i + 1),
        rules: ruleState,
        cnn,
        predictions: served?.predictions ?? null,
        ood: served?.ood ?? null,
        cost,
        rsi14: Number.isFinite(r) ? r : null,
        modelStatus,
        computedMs: 0,
      }).signals,
    );
  };
  if (models.price) {
    progress('price ensemble', 0);
    const matrix = modelMatrixOf(columns);
    await models.price.serveEach(matrix.values, matrix.rows, cols.close, key.timeframe, (i, served) => {
      signalsAt(i, served);
      if ((i & 4095) === 0) progress('price ensemble', i / n);
    });
    progress('price ensemble', 1);
  }
  progress('signals', 0);
  if (!models.price) {
    for (let i = WINDOW_LENGTH - 1; i < n; i++) {
      signalsAt(i, null);
      if ((i & 4095) === 0) progress('signals', i / n);
    }
  }
  progress('signals', 1);
  return { firstScored: firstScored < 0 ? n : firstScored, modelVersion: modelStatus.model_version };
}

/** The app's signals at every candle of a series (empty before the models are warm); see visitAppSignals. */
export async function appSignals(
  candles: readonly Candle[],
  models: PipelineModels,
  key: SeriesKey,
  progress: BacktestProgress = () => {},
  cost: number = DEFAULT_SIGNAL_COST,
): Promise<SeriesSignals> {
  const signals: Signal[][] = Array.from({ length: candles.length }, () => []);
  const series = await visitAppSignals(candles, models, key, (i, s) => (signals[i] = s), progress, cost);
  return { signals, ...series };
}
