import type { Candle } from '../candles/candle';
import type { SeriesKey } from '../candles/series-key';
import { CandleRingBuffer } from '../candles/ring-buffer';
import { toColumns } from '../candles/candle';
import { FeatureEngine } from '../features';
import { featureIndex } from '../features/registry';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { PatternRuleDetector } from '../patterns/rules';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from '../patterns/window';
import { buildInsight, TREND_LOOKBACK, type CnnOutput } from './builder';
import { DEFAULT_SIGNAL_COST } from './signals';
import type { HorizonKey, HorizonPrediction, Insight, ModelStatus, OodStatus } from './types';

/** The pattern CNN as the pipeline uses it (src/core/models/pattern-cnn.ts satisfies it). */
export interface PatternModel {
  readonly backend: string;
  readonly version: string;
  readonly thresholds: Readonly<Record<PatternName, number>>;
  /** How the backend was chosen (load-time measurement), when the model says. */
  readonly selection?: { readonly reason: string };
  predict(windows: Float32Array, batch: number): Promise<Float32Array>;
}

/** One stream's price predictor (src/core/models/price-ensemble.ts `PriceStream` satisfies it). */
export interface PriceStreamModel {
  /** A candle closed with these final engine model features (feeds the adaptive calibration, in order). */
  closed(features: ArrayLike<number>, close: number): void;
  predict(features: ArrayLike<number>, close: number): Promise<PriceServed | { warmup: true; reason: string }>;
}

/** One candle's served price output. */
export interface PriceServed {
  predictions: Record<HorizonKey, HorizonPrediction>;
  ood: OodStatus;
}

/** The price ensemble as the pipeline uses it (src/core/models/price-ensemble.ts satisfies it). */
export interface PriceModel {
  readonly backend: string;
  readonly version: string;
  stream(timeframe: string): PriceStreamModel;
  /**
   * Every row of a series (row-major model features) served in order exactly as a stream would serve its
   * candles one by one, handed to `visit` row by row (warm-up rows skipped). The backtest's batch path.
   */
  serveEach(
    features: ArrayLike<number>,
    rows: number,
    closes: ArrayLike<number>,
    timeframe: string,
    visit: (row: number, served: PriceServed) => void,
  ): Promise<void>;
}

/** The models an engine runs with; a model that failed to load is null with the reason beside it. */
export interface PipelineModels {
  cnn: PatternModel | null;
  cnnError: string | null;
  price: PriceModel | null;
  priceError: string | null;
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
  private price: PriceStreamModel | null;
  /** Signals need a predicted move above this round-trip cost (fraction, e.g. 0.001 = 0.1%). */
  cost = DEFAULT_SIGNAL_COST;

  constructor(
    readonly key: SeriesKey,
    private models: PipelineModels,
  ) {
    this.price = models.price?.stream(key.timeframe) ?? null;
  }

  setModels(models: PipelineModels): void {
    if (models.price !== this.models.price) this.price = models.price?.stream(this.key.timeframe) ?? null;
    this.models = models;
  }

  /** Applies one candle message: a new candle, or the still-open candle again (same open time). */
  update(candle: Candle): void {
    if (candle.time < this.lastTime) return;
    const replace = candle.time === this.lastTime;
    const previous = this.recent.toArray().at(-1);
    if (!replace && this.price && this.featureValues && previous) {
      // the previous candle is closed: its final features and close feed the adaptive calibration
      this.modelInputs = this.features.modelInputs(this.modelInputs ?? undefined);
      this.price.closed(this.modelInputs, previous.close);
    }
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
    const [cnn, price] = await Promise.all([this.runCnn(recent), this.runPrice(recent.at(-1)!)]);
    const rsi = this.featureValues[RSI_14]!;
    return buildInsight({
      ...this.key,
      recent,
      rules: this.ruleState,
      cnn,
      predictions: 'predictions' in price ? price.predictions : null,
      priceNote: 'note' in price ? price.note : null,
      ood: 'ood' in price ? price.ood : null,
      cost: this.cost,
      rsi14: Number.isFinite(rsi) ? rsi : null,
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

  private async runPrice(
    current: Candle,
  ): Promise<{ predictions: Record<HorizonKey, HorizonPrediction>; ood: OodStatus } | { note: string }> {
    if (!this.price) return { note: `price predictor not loaded: ${this.models.priceError ?? 'unknown reason'}` };
    this.modelInputs = this.features.modelInputs(this.modelInputs ?? undefined);
    const out = await this.price.predict(this.modelInputs, current.close);
    return 'warmup' in out ? { note: out.reason } : out;
  }
}
