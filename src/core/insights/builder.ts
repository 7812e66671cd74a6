import type { Candle } from '../candles/candle';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { buildSignals, DEFAULT_SIGNAL_COST } from './signals';
import type { HorizonKey, HorizonPrediction, Insight, ModelStatus, OodStatus, PatternsPart } from './types';

export interface CnnOutput {
  /** Probability per pattern, in PATTERN_NAMES order. */
  probabilities: ArrayLike<number>;
  /** Decision threshold per pattern (chosen on validation data), in PATTERN_NAMES order. */
  thresholds: ArrayLike<number>;
}

export interface InsightInputs {
  exchange: string;
  symbol: string;
  timeframe: string;
  /** The newest candles, oldest first; the last is the current one (closed or still open). */
  recent: readonly Candle[];
  rules: Readonly<Record<PatternName, boolean>>;
  cnn: CnnOutput | null;
  predictions: Partial<Record<HorizonKey, HorizonPrediction>> | null;
  /** Why there are no predictions (model not loaded, warm-up); null when there are. */
  priceNote?: string | null;
  ood?: OodStatus | null;
  /** Round-trip cost a predicted move must exceed to become a signal (default DEFAULT_SIGNAL_COST). */
  cost?: number;
  rsi14: number | null;
  modelStatus: ModelStatus;
  computedMs: number;
}

/** Candles over which the prior trend of a reversal pattern is measured. */
export const TREND_LOOKBACK = 10;

function finiteOrNull(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

/**
 * The patterns part: `detected` holds the CNN probability of every pattern over its threshold, and rule
 * detections the CNN missed (or every rule detection, with probability 1, when the CNN is not loaded).
 */
export function buildPatterns(rules: Readonly<Record<PatternName, boolean>>, cnn: CnnOutput | null): PatternsPart {
  const detected: Partial<Record<PatternName, number>> = {};
  let probabilities: Record<PatternName, number> | null = null;
  if (cnn) {
    probabilities = {} as Record<PatternName, number>;
    PATTERN_NAMES.forEach((name, i) => {
      const p = cnn.probabilities[i]!;
      probabilities![name] = p;
      if (p >= cnn.thresholds[i]! || rules[name]) detected[name] = p;
    });
  } else {
    for (const name of PATTERN_NAMES) if (rules[name]) detected[name] = 1;
  }
  let strongest: [PatternName, number] | null = null;
  for (const [name, p] of Object.entries(detected) as Array<[PatternName, number]>) {
    if (!strongest || p > strongest[1]) strongest = [name, p];
  }
  return { detected, count: Object.keys(detected).length, strongest, rules: { ...rules }, probabilities };
}

/**
 * The overall confidence: the mean calibrated direction confidence over the horizons the predictor claims
 * (abstained horizons say 0.5 by contract and are left out), or null when none claims.
 */
export function overallConfidence(predictions: Partial<Record<HorizonKey, HorizonPrediction>> | null): number | null {
  if (!predictions) return null;
  const values = Object.values(predictions)
    .filter((p) => p.skill)
    .map((p) => p.confidence);
  return values.length === 0 ? null : values.reduce((s, x) => s + x, 0) / values.length;
}

/** Assembles the Insight of SPEC §2 from what the engine computed for the current candle. */
export function buildInsight(inputs: InsightInputs): Insight {
  const current = inputs.recent.at(-1);
  if (!current) throw new Error('buildInsight needs at least one candle');
  const previous = inputs.recent.at(-2);
  const patterns = buildPatterns(inputs.rules, inputs.cnn);
  const trendBase = inputs.recent.at(-2 - TREND_LOOKBACK);
  const priorTrend =
    previous && trendBase ? { logReturn: Math.log(previous.close / trendBase.close), candles: TREND_LOOKBACK } : null;
  const signals = buildSignals({
    patterns: Object.entries(patterns.detected) as Array<[PatternName, number]>,
    candleUp: current.close >= current.open,
    previousCandleDown: previous ? previous.close < previous.open : false,
    priorTrend,
    rsi14: finiteOrNull(inputs.rsi14),
    predictions: inputs.predictions,
    cost: inputs.cost ?? DEFAULT_SIGNAL_COST,
  });
  return {
    symbol: inputs.symbol,
    exchange: inputs.exchange,
    timeframe: inputs.timeframe,
    time: current.time,
    current_price: current.close,
    patterns,
    price_predictions: inputs.predictions ?? {},
    price_note: inputs.predictions ? null : (inputs.priceNote ?? 'price predictor not loaded'),
    ood: inputs.ood ?? null,
    signals,
    confidence: overallConfidence(inputs.predictions),
    model_status: inputs.modelStatus,
    cached: false,
    computed_ms: Math.round(inputs.computedMs * 1000) / 1000,
  };
}
