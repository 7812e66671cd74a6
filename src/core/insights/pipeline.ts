import type { Candle } from '../candles/candle';
import { CandleRingBuffer } from '../candles/ring-buffer';
import { toColumns } from '../candles/candle';
import { FeatureEngine } from '../features/engine';
import { featureIndex } from '../features/registry';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { PatternRuleDetector } from '../patterns/rules';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from '../patterns/window';
import { buildInsight, TREND_LOOKBACK, type CnnOutput } from './builder';
import type { HorizonKey, HorizonPrediction, Insight, ModelStatus } from './types';

/** The pattern CNN as the pipeline uses it (src/core/models/pattern-cnn.ts satisfies it). */
export interface PatternModel {
  readonly backend: string;
  readonly version: string;
  readonly thresholds: Readonly<Record<PatternName, number>>;
  /** How the backend was chosen (load-time measurement), when the model says. */
  readonly selection?: { readonly reason: string };
  predict(windows: Float32Array, batch: number): Promise<Float32Array>;
}

/** The price ensemble as the pipeline uses it (src/core/models/price-ensemble.ts satisfies it). */
export interface PriceModel {
  readonly backend: string;
  readonly version: string;
  predict(
    features: ArrayLike<number>,
    context: { close: number },
  ): Promise<Record<HorizonKey, HorizonPrediction> | null>;
}

/** The models an engine runs with; a model that failed to load is null with the reason beside it. */
export interface PipelineModels {
  cnn: PatternModel | null;
  cnnError: string | null;
  price: PriceModel | null;
  priceError: string | null;
  /** Horizons whose held-out IC shows skill (from the manifest); null when unknown. */
  skillful?: readonly HorizonKey[] | null;
}

export function modelStatusOf(models: PipelineModels): ModelStatus {
  const versions = [models.cnn?.version, models.price?.version].filter((v): v is string => Boolean(v));
  const errors = [
    models.cnn ? null : `pattern CNN not loaded: ${models.cnnError ?? 'unknown reason'}`,
    models.price ? null : `price predictor not loaded: ${models.priceError ?? 'unknown reason'}`,
  ].filter((e): e is string => e !== null);
  return {
    pattern_cnn_loaded: models.cnn !== null,
    price_predictor_loaded: models.price !== null,
    models_loaded: models.cnn !== null && models.price !== null,
    cnn_backend: models.cnn?.backend ?? null,
    ensemble_backend: models.price?.backend ?? null,
    model_version: versions.length > 0 ? versions.join('+') : null,
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}

/** Candles kept for the CNN window and the trend context of signals. */
const RECENT = Math.max(WINDOW_LENGTH, TREND_LOOKBACK + 2) + 8;
const RSI_14 = featureIndex('rsi_14');

/**
 * One stream's path from candles to an Insight: streaming features and rule detectors updated once per
 * candle message (the still-open candle replaced in place), then, on request, the CNN on the last window
 * and the price ensemble on the model features. Used by the worker and by `candlecast insights` alike.
 */
export class InsightPipeline {
  private readonly features = new FeatureEngine();
  private readonly rules = new PatternRuleDetector();
  private readonly recent = new CandleRingBuffer(RECENT);
  private ruleState: Readonly<Record<PatternName, boolean>> = Object.fromEntries(
    PATTERN_NAMES.map((p) => [p, false]),
  ) as Record<PatternName, boolean>;
  private featureValues: Float64Array | null = null;
  private lastTime = Number.NEGATIVE_INFINITY;
  private readonly window = new Float32Array(WINDOW_SIZE);
  private modelInputs: Float64Array | null = null;

  constructor(
    readonly key: { exchange: string; symbol: string; timeframe: string },
    private models: PipelineModels,
  ) {}

  setModels(models: PipelineModels): void {
    this.models = models;
  }

  /** Applies one candle message: a new candle, or the still-open candle again (same open time). */
  update(candle: Candle): void {
    if (candle.time < this.lastTime) return;
    const replace = candle.time === this.lastTime;
    this.featureValues = this.features.update(candle, replace);
    this.ruleState = this.rules.update(candle, replace);
    this.recent.upsert(candle);
    this.lastTime = candle.time;
  }

  get candles(): number {
    return this.rules.candles;
  }

  /** Feature values at the current candle, in registry order (NaN = empty). */
  currentFeatures(): Float64Array | null {
    return this.featureValues;
  }

  /** The Insight for the current candle; null before the first candle. */
  async insight(now: () => number = () => performance.now()): Promise<Insight | null> {
    const recent = this.recent.toArray();
    if (recent.length === 0 || !this.featureValues) return null;
    const started = now();
    const [cnn, predictions] = await Promise.all([this.runCnn(recent), this.runPrice(recent.at(-1)!)]);
    const rsi = this.featureValues[RSI_14]!;
    return buildInsight({
      ...this.key,
      recent,
      rules: this.ruleState,
      cnn,
      predictions,
      rsi14: Number.isFinite(rsi) ? rsi : null,
      skillful: this.models.skillful ?? null,
      modelStatus: modelStatusOf(this.models),
      computedMs: now() - started,
    });
  }

  private async runCnn(recent: Candle[]): Promise<CnnOutput | null> {
    const model = this.models.cnn;
    if (!model || recent.length < WINDOW_LENGTH) return null;
    const cols = toColumns(recent.slice(-WINDOW_LENGTH));
    writeWindow(cols, WINDOW_LENGTH - 1, this.window);
    const probabilities = await model.predict(this.window, 1);
    return { probabilities, thresholds: PATTERN_NAMES.map((p) => model.thresholds[p]) };
  }

  private async runPrice(current: Candle): Promise<Partial<Record<HorizonKey, HorizonPrediction>> | null> {
    const model = this.models.price;
    if (!model) return null;
    this.modelInputs = this.features.modelInputs(this.modelInputs ?? undefined);
    return model.predict(this.modelInputs, { close: current.close });
  }
}
