import {
  PRICE_HORIZONS,
  type AbstainReason,
  type EnsembleMember,
  type HorizonPrediction,
  type PriceHorizon,
} from '../models/price-ensemble-params';
import type { OodResult } from '../models/price-ood';
import type { PatternName } from '../patterns/names';

export type { AbstainReason, EnsembleMember, HorizonPrediction };

/** Horizons of the price predictor, in candles of the stream's timeframe (declared in price-ensemble-params.ts). */
export type Horizon = PriceHorizon extends `${infer N extends number}` ? N : never;
export type HorizonKey = `${Horizon}`;
export const HORIZONS: readonly Horizon[] = Object.freeze(PRICE_HORIZONS.map((h) => Number(h) as Horizon));

/** The dissimilarity of the current inputs to the training data (SPEC §2), with the reason when flagged. */
export type OodStatus = OodResult;

/** One line on the out-of-distribution check (the prediction panel and the alerts show it). */
export function oodText(ood: OodStatus): string {
  const di = `dissimilarity ${ood.score.toFixed(2)}`;
  if (!ood.flag) return `In distribution (${di}).`;
  return ood.reason === 'volatility'
    ? `Out of distribution: this market moves faster or slower than any the model was trained on (${di}); every horizon abstains.`
    : `Out of distribution: these candles look unlike the training data (${di}); every horizon abstains.`;
}

/** Plain words for an abstention reason (the panel and the signal reasons show them). */
export const ABSTAIN_TEXT: Record<AbstainReason, string> = {
  no_edge: 'no edge at this horizon (the walk-forward evaluation shows no robust skill)',
  untested_timeframe: 'no edge at this horizon (this timeframe was never validated)',
  out_of_distribution: 'no edge at this horizon (the market looks unlike the training data)',
  no_direction: 'no forecast at this candle (the close is where it was 5 candles ago: no direction to call)',
};

export interface PatternsPart {
  /** CNN probability per pattern above its decision threshold. */
  detected: Partial<Record<PatternName, number>>;
  count: number;
  strongest: [PatternName, number] | null;
  /** Rule-detector verdict per pattern at the current candle. */
  rules: Record<PatternName, boolean>;
  /** Every pattern's CNN probability (null when the CNN is not loaded). */
  probabilities: Record<PatternName, number> | null;
}

export interface Signal {
  type: 'BUY' | 'SELL' | 'HOLD';
  source: string;
  reason: string;
  confidence: number;
}

export interface ModelStatus {
  pattern_cnn_loaded: boolean;
  price_predictor_loaded: boolean;
  models_loaded: boolean;
  cnn_backend: string | null;
  ensemble_backend: string | null;
  model_version: string | null;
  /** Why a model is not loaded, in plain words (null when both are loaded). */
  error?: string | null;
}

/** The Insight JSON of SPEC §2: snake_case keys, every number finite or null. */
export interface Insight {
  symbol: string;
  exchange: string;
  timeframe: string;
  time: number;
  current_price: number;
  patterns: PatternsPart;
  price_predictions: Partial<Record<HorizonKey, HorizonPrediction>>;
  /** Why `price_predictions` is empty (model not loaded, warm-up); null when it is filled. */
  price_note: string | null;
  /** How far the current features lie from the training data; null when the predictor did not run. */
  ood: OodStatus | null;
  signals: Signal[];
  confidence: number | null;
  model_status: ModelStatus;
  cached: boolean;
  computed_ms: number;
}
