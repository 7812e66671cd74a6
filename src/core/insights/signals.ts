import type { PatternName } from '../patterns/names';
import { ABSTAIN_TEXT, type HorizonKey, type HorizonPrediction, type Signal } from './types';

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
  /** The price predictor's output, or null when it is not loaded (or warming up). */
  predictions: Partial<Record<HorizonKey, HorizonPrediction>> | null;
  /** Round-trip cost (fraction) a predicted move must exceed to become a signal. */
  cost?: number;
}

/** A prediction signal needs more than this calibrated probability of the right direction. */
export const MIN_SIGNAL_CONFIDENCE = 0.5;
/** Default round-trip trading cost (0.1%), settable in the app's prediction panel. */
export const DEFAULT_SIGNAL_COST = 0.001;
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
export function directionProbability(direction: 'up' | 'down', predictions: SignalContext['predictions']): number {
  const p = predictions?.[RATING_HORIZON];
  if (!p || !p.skill) return 0.5;
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
  const p = ctx.predictions?.[RATING_HORIZON];
  if (!p) return ' (price model not loaded: no calibrated confidence)';
  if (!p.skill) {
    return ` (${RATING_HORIZON}-candle model: ${ABSTAIN_TEXT[p.abstain_reason ?? 'no_edge']}; no calibrated confidence)`;
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
      confidence: directionProbability(direction, ctx.predictions),
    });
  }

  if (ctx.predictions) signals.push(predictionSignal(ctx.predictions, ctx.cost ?? DEFAULT_SIGNAL_COST));

  if (ctx.rsi14 !== null) {
    for (const [pattern] of ctx.patterns) {
      const direction = patternDirection(pattern, ctx);
      if (direction === 'up' && ctx.rsi14 < 30) {
        signals.push({
          type: 'BUY',
          source: `confluence:rsi_14+${pattern}`,
          reason: `RSI ${ctx.rsi14.toFixed(1)} oversold with a ${label(pattern).toLowerCase()}${ratingNote(ctx)}`,
          confidence: directionProbability('up', ctx.predictions),
        });
      } else if (direction === 'down' && ctx.rsi14 > 70) {
        signals.push({
          type: 'SELL',
          source: `confluence:rsi_14+${pattern}`,
          reason: `RSI ${ctx.rsi14.toFixed(1)} overbought with a ${label(pattern).toLowerCase()}${ratingNote(ctx)}`,
          confidence: directionProbability('down', ctx.predictions),
        });
      }
    }
  }
  return oneVerdict(signals);
}

/**
 * The prediction signal: among claimed horizons whose confidence is above MIN_SIGNAL_CONFIDENCE and whose
 * predicted move exceeds the round-trip cost, the most confident one (ties: the larger move) gives BUY or SELL;
 * a horizon pointing the other way is named in the reason as outweighed. Otherwise HOLD, saying why.
 */
export function predictionSignal(predictions: Partial<Record<HorizonKey, HorizonPrediction>>, cost: number): Signal {
  const entries = Object.entries(predictions) as Array<[HorizonKey, HorizonPrediction]>;
  const claimed = entries.filter(([, p]) => p.skill);
  if (claimed.length === 0) {
    const reasons = [...new Set(entries.map(([, p]) => ABSTAIN_TEXT[p.abstain_reason ?? 'no_edge']))];
    return {
      type: 'HOLD',
      source: 'prediction',
      reason: `Every horizon abstains: ${reasons.join('; ') || 'no predictions'}`,
      confidence: 0.5,
    };
  }
  const eligible = claimed.filter(
    ([, p]) => p.confidence > MIN_SIGNAL_CONFIDENCE && Math.abs(Math.expm1(p.return)) > cost,
  );
  if (eligible.length === 0) {
    const [h, p] = claimed.reduce((a, b) => (b[1].confidence > a[1].confidence ? b : a));
    const move = Math.abs(Math.expm1(p.return));
    const why =
      p.confidence <= MIN_SIGNAL_CONFIDENCE
        ? `its calibrated confidence ${(p.confidence * 100).toFixed(1)}% is not above ${MIN_SIGNAL_CONFIDENCE * 100}%`
        : `its predicted move ${pct(move, 3).slice(1)} does not exceed the ${pct(cost, 2).slice(1)} round-trip cost`;
    return {
      type: 'HOLD',
      source: 'prediction',
      reason: `No claimed horizon clears confidence and cost (best: ${h} candle${h === '1' ? '' : 's'}, ${why})`,
      confidence: p.confidence,
    };
  }
  eligible.sort((a, b) => b[1].confidence - a[1].confidence || Math.abs(b[1].return) - Math.abs(a[1].return));
  const [h, p] = eligible[0]!;
  const up = p.return > 0;
  const against = eligible.filter(([, q]) => q.return > 0 !== up);
  const interval = `80% interval ${p.lower.toPrecision(6)}–${p.upper.toPrecision(6)}`;
  const outweighs =
    against.length > 0
      ? `; outweighs ${against.map(([k, q]) => `${k}-candle ${q.return > 0 ? 'BUY' : 'SELL'} (${(q.confidence * 100).toFixed(1)}%)`).join(', ')} by higher calibrated confidence`
      : '';
  return {
    type: up ? 'BUY' : 'SELL',
    source: `prediction:${h}`,
    reason: `Ensemble predicts ${pct(Math.expm1(p.return), 3)} over ${h} candle${h === '1' ? '' : 's'} (${interval}, above the ${pct(cost, 2).slice(1)} cost)${outweighs}`,
    confidence: p.confidence,
  };
}

/**
 * One verdict per candle: when BUY and SELL signals disagree, the most confident one stands and each signal
 * against it becomes a HOLD whose reason says what outweighed it.
 */
export function oneVerdict(input: Signal[]): Signal[] {
  const signals = input.map((s) =>
    s.type !== 'HOLD' && s.confidence < MIN_SIGNAL_CONFIDENCE
      ? {
          ...s,
          type: 'HOLD' as const,
          reason: `${s.reason}; would be ${s.type} but its calibrated confidence ${(s.confidence * 100).toFixed(1)}% is below 50%`,
        }
      : s,
  );
  const directional = signals.filter((s) => s.type !== 'HOLD');
  if (new Set(directional.map((s) => s.type)).size < 2) return signals;
  const winner = directional.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return signals.map((s) =>
    s.type === 'HOLD' || s.type === winner.type
      ? s
      : {
          ...s,
          type: 'HOLD',
          reason: `${s.reason}; would be ${s.type} but outweighed by ${winner.type} from ${winner.source} (confidence ${winner.confidence.toFixed(3)} vs ${s.confidence.toFixed(3)})`,
        },
  );
}
