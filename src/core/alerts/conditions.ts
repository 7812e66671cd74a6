import { sameSeries, type SeriesKey } from '../candles/series-key';
import { oodText, type Insight } from '../insights/types';
import type { PatternName } from '../patterns/names';

/**
 * Alert conditions a user sets on one stream, evaluated on every Insight of that stream:
 * - `signal`: the app shows a BUY (or SELL) signal, optionally with at least `minConfidence`.
 * - `pattern`: the pattern CNN gives `pattern` a probability of at least `minProbability` (never fires while the
 *   CNN is not loaded: rule-only detections carry no probability).
 * - `interval`: the price leaves the 80% interval that the previous candle's insight predicted for one candle
 *   ahead (above its upper or below its lower bound).
 * - `ood`: the insight's out-of-distribution flag is raised (`ood.flag`; never fires with a model version that
 *   does not report it).
 */
export type AlertCondition =
  | { kind: 'signal'; type: 'BUY' | 'SELL'; minConfidence?: number }
  | { kind: 'pattern'; pattern: PatternName; minProbability: number }
  | { kind: 'interval' }
  | { kind: 'ood' };

/** An alert of one stream (its series key). */
export interface StreamAlert extends SeriesKey {
  id: number;
  condition: AlertCondition;
}

export interface AlertFiring {
  alertId: number;
  /** Open time of the candle whose insight fired it. */
  time: number;
  title: string;
  message: string;
}

/** The insight fields alerts read; `ood` is optional (present once the predictor reports it). */
export type AlertInsight = Pick<
  Insight,
  'symbol' | 'timeframe' | 'time' | 'current_price' | 'signals' | 'patterns' | 'price_predictions'
> & {
  ood?: Insight['ood'];
};

/** What a condition sees: the current insight and the latest insight of an EARLIER candle (null at first). */
export interface AlertContext {
  current: AlertInsight;
  previous: AlertInsight | null;
}

/** Why the condition holds now (a one-line message), or null when it does not. */
export function conditionHolds(
  condition: AlertCondition,
  insight: AlertInsight,
  previous: AlertInsight | null,
): string | null {
  switch (condition.kind) {
    case 'signal': {
      const min = condition.minConfidence ?? 0;
      const s = insight.signals.find((x) => x.type === condition.type && x.confidence >= min);
      return s ? `${s.type} signal (${s.source}): ${s.reason}` : null;
    }
    case 'pattern': {
      const p = insight.patterns.probabilities?.[condition.pattern];
      return p !== undefined && p >= condition.minProbability
        ? `${condition.pattern.replace(/_/g, ' ')} with CNN probability ${p.toFixed(2)} (alert at ≥ ${condition.minProbability})`
        : null;
    }
    case 'interval': {
      const band = previous?.price_predictions['1'];
      if (!band) return null;
      const price = insight.current_price;
      if (price > band.upper)
        return `price ${price} rose above the predicted 80% interval (upper ${band.upper.toPrecision(6)})`;
      if (price < band.lower)
        return `price ${price} fell below the predicted 80% interval (lower ${band.lower.toPrecision(6)})`;
      return null;
    }
    case 'ood':
      return insight.ood?.flag ? `out-of-distribution warning: ${oodText(insight.ood)}` : null;
  }
}

/** A short label of a condition for lists. */
export function describeCondition(c: AlertCondition): string {
  switch (c.kind) {
    case 'signal':
      return `${c.type} signal${c.minConfidence ? ` with confidence ≥ ${Math.round(c.minConfidence * 100)}%` : ''}`;
    case 'pattern':
      return `${c.pattern.replace(/_/g, ' ')} with CNN ≥ ${c.minProbability}`;
    case 'interval':
      return 'price leaves the predicted 80% interval';
    case 'ood':
      return 'out-of-distribution warning';
  }
}

/**
 * The alerts that fire on `ctx.current`: each alert of this stream whose condition holds now, at most once per
 * candle (`firedAt` holds the candle time each alert last fired at), and, except for `interval` (an event per
 * candle), only when it did not already hold at the previous candle, so a lasting state alerts once.
 */
export function alertsToFire(
  alerts: readonly StreamAlert[],
  ctx: AlertContext,
  firedAt: ReadonlyMap<number, number>,
  stream: SeriesKey,
): AlertFiring[] {
  const out: AlertFiring[] = [];
  for (const alert of alerts) {
    if (!sameSeries(alert, stream)) continue;
    if (firedAt.get(alert.id) === ctx.current.time) continue;
    const why = conditionHolds(alert.condition, ctx.current, ctx.previous);
    if (!why) continue;
    if (alert.condition.kind !== 'interval' && ctx.previous && conditionHolds(alert.condition, ctx.previous, null))
      continue;
    out.push({
      alertId: alert.id,
      time: ctx.current.time,
      title: `${ctx.current.symbol} ${ctx.current.timeframe}: ${describeCondition(alert.condition)}`,
      message: why,
    });
  }
  return out;
}
