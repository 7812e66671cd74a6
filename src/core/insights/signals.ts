import type { PatternName } from '../patterns/names';
import type { HorizonKey, HorizonPrediction, Signal } from './types';

/** Direction a pattern points to when it appears; null for patterns that only say "indecision". */
export type PatternDirection = 'up' | 'down' | null;

const BULLISH: ReadonlySet<PatternName> = new Set([
  'hammer',
  'engulfing_bullish',
  'morning_star',
  'three_white_soldiers',
  'piercing_line',
  'tweezer_bottom',
]);
const BEARISH: ReadonlySet<PatternName> = new Set([
  'shooting_star',
  'engulfing_bearish',
  'evening_star',
  'three_black_crows',
  'dark_cloud_cover',
  'tweezer_top',
]);

/** Everything signal rules look at for the current candle. */
export interface SignalContext {
  /** Patterns present now, with the probability we show for each (CNN, or 1 for a rule-only detection). */
  patterns: ReadonlyArray<readonly [PatternName, number]>;
  /** Is the current candle bullish (close >= open)? Sets the direction of marubozu. */
  candleUp: boolean;
  /** Was the previous candle bearish? A harami points against the candle it sits inside. */
  previousCandleDown: boolean;
  /** Log return over the trend lookback before the current candle, and that lookback in candles. */
  priorTrend: { logReturn: number; candles: number } | null;
  rsi14: number | null;
  /** The price predictor's output, or null when it is not loaded. */
  predictions: Partial<Record<HorizonKey, HorizonPrediction>> | null;
  /**
   * Horizons with out-of-sample skill (held-out IC > 2 standard errors); only these drive prediction signals
   * and rate other signals. Null when unknown (every horizon is used).
   */
  skillful?: readonly HorizonKey[] | null;
}

/** A prediction signal needs this calibrated probability of the right direction. */
export const MIN_SIGNAL_CONFIDENCE = 0.55;
/** The horizon whose calibrated confidence rates pattern and indicator signals. */
const RATING_HORIZON: HorizonKey = '5';

export function patternDirection(
  pattern: PatternName,
  ctx: Pick<SignalContext, 'candleUp' | 'previousCandleDown'>,
): PatternDirection {
  if (BULLISH.has(pattern)) return 'up';
  if (BEARISH.has(pattern)) return 'down';
  if (pattern === 'marubozu') return ctx.candleUp ? 'up' : 'down';
  if (pattern === 'harami') return ctx.previousCandleDown ? 'up' : 'down';
  return null;
}

/**
 * The calibrated probability that `direction` is right over the rating horizon: the predictor's confidence
 * when it points the same way, one minus it when it points the other way, and 0.5 (no information) when the
 * predictor is not loaded.
 */
export function directionProbability(
  direction: 'up' | 'down',
  predictions: SignalContext['predictions'],
  skillful: SignalContext['skillful'] = null,
): number {
  if (skillful && !skillful.includes(RATING_HORIZON)) return 0.5;
  const p = predictions?.[RATING_HORIZON];
  if (!p) return 0.5;
  const predictedUp = p.return >= 0;
  return predictedUp === (direction === 'up') ? p.confidence : 1 - p.confidence;
}

function label(name: string): string {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pct(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
}

function trendPhrase(trend: SignalContext['priorTrend']): string {
  if (!trend) return '';
  const move = Math.expm1(trend.logReturn);
  return ` after a ${move < 0 ? 'decline' : 'rise'} of ${pct(Math.abs(move)).slice(1)} over ${trend.candles} candles`;
}

function ratingNote(ctx: SignalContext): string {
  if (!ctx.predictions?.[RATING_HORIZON]) return ' (price model not loaded: no calibrated confidence)';
  if (ctx.skillful && !ctx.skillful.includes(RATING_HORIZON)) {
    return ` (the ${RATING_HORIZON}-candle model has no out-of-sample skill: no calibrated confidence)`;
  }
  return '';
}

/**
 * Signals for the current candle, each with its reason and the calibrated probability that its direction
 * is right: pattern signals (a reversal pattern fits only after a move the other way), prediction signals
 * (the most confident horizon at or above MIN_SIGNAL_CONFIDENCE, else HOLD) and indicator confluence (RSI
 * extremes with a reversal pattern). A HOLD carries the best horizon's confidence, to show how far from a signal it is.
 */
export function buildSignals(ctx: SignalContext): Signal[] {
  const signals: Signal[] = [];
  for (const [pattern, probability] of ctx.patterns) {
    const direction = patternDirection(pattern, ctx);
    if (direction === null) continue;
    const againstTrend =
      ctx.priorTrend === null || (direction === 'up' ? ctx.priorTrend.logReturn < 0 : ctx.priorTrend.logReturn > 0);
    const continuation =
      pattern === 'three_white_soldiers' || pattern === 'three_black_crows' || pattern === 'marubozu';
    if (!againstTrend && !continuation) continue;
    signals.push({
      type: direction === 'up' ? 'BUY' : 'SELL',
      source: `pattern:${pattern}`,
      reason: `${label(pattern)} (pattern probability ${probability.toFixed(2)})${trendPhrase(ctx.priorTrend)}${ratingNote(ctx)}`,
      confidence: directionProbability(direction, ctx.predictions, ctx.skillful),
    });
  }

  if (ctx.predictions) {
    let best: [HorizonKey, HorizonPrediction] | null = null;
    for (const [h, p] of Object.entries(ctx.predictions) as Array<[HorizonKey, HorizonPrediction]>) {
      if (ctx.skillful && !ctx.skillful.includes(h)) continue;
      if (!best || p.confidence > best[1].confidence) best = [h, p];
    }
    if (!best) {
      signals.push({
        type: 'HOLD',
        source: 'prediction',
        reason: 'No horizon of the price model has shown out-of-sample skill: no prediction signal',
        confidence: 0.5,
      });
    } else {
      const [h, p] = best;
      const interval = `80% interval ${p.lower.toPrecision(6)}–${p.upper.toPrecision(6)}`;
      if (p.confidence >= MIN_SIGNAL_CONFIDENCE) {
        signals.push({
          type: p.return >= 0 ? 'BUY' : 'SELL',
          source: `prediction:${h}`,
          reason: `Ensemble predicts ${pct(Math.expm1(p.return), 3)} over ${h} candle${h === '1' ? '' : 's'} (${interval})`,
          confidence: p.confidence,
        });
      } else {
        signals.push({
          type: 'HOLD',
          source: 'prediction',
          reason: `No horizon reaches a ${Math.round(MIN_SIGNAL_CONFIDENCE * 100)}% calibrated confidence (best: ${h} candles at ${(p.confidence * 100).toFixed(1)}%)`,
          confidence: p.confidence,
        });
      }
    }
  }

  if (ctx.rsi14 !== null) {
    for (const [pattern] of ctx.patterns) {
      const direction = patternDirection(pattern, ctx);
      if (direction === 'up' && ctx.rsi14 < 30) {
        signals.push({
          type: 'BUY',
          source: `confluence:rsi_14+${pattern}`,
          reason: `RSI ${ctx.rsi14.toFixed(1)} oversold with a ${label(pattern).toLowerCase()}${ratingNote(ctx)}`,
          confidence: directionProbability('up', ctx.predictions, ctx.skillful),
        });
      } else if (direction === 'down' && ctx.rsi14 > 70) {
        signals.push({
          type: 'SELL',
          source: `confluence:rsi_14+${pattern}`,
          reason: `RSI ${ctx.rsi14.toFixed(1)} overbought with a ${label(pattern).toLowerCase()}${ratingNote(ctx)}`,
          confidence: directionProbability('down', ctx.predictions, ctx.skillful),
        });
      }
    }
  }
  return signals;
}
