import type { FeatureSeries } from '../../workers/engine-api';
import type { LinePoint } from './chart-model';

/**
 * The indicators a user can put on the chart: overlays on the price pane and panes of their own below it.
 * Every line is one of the engine's features (registry name), drawn as the worker computed it, never
 * recomputed here. Choosing `volume` also moves the candles' volume bars into that pane.
 */
export interface IndicatorLine {
  feature: string;
  label: string;
  color: string;
  style: 'line' | 'histogram';
}
export interface Indicator {
  id: string;
  label: string;
  place: 'overlay' | 'pane';
  lines: IndicatorLine[];
  /** Fixed levels drawn on a pane (RSI's 30 and 70). */
  levels?: number[];
}

/** A one-line overlay of a moving average: `sma`/`ema` and its period name the id, the label and the feature. */
function average(kind: 'sma' | 'ema', period: number, color: string): Indicator {
  const label = `${kind.toUpperCase()} ${period}`;
  return {
    id: `${kind}${period}`,
    label,
    place: 'overlay',
    lines: [{ feature: `${kind}_${period}`, label, color, style: 'line' }],
  };
}

export const INDICATORS: readonly Indicator[] = [
  average('sma', 20, '#f59e0b'),
  average('sma', 50, '#a855f7'),
  average('sma', 200, '#64748b'),
  average('ema', 20, '#06b6d4'),
  average('ema', 50, '#ec4899'),
  {
    id: 'bb',
    label: 'Bollinger 20, 2',
    place: 'overlay',
    lines: [
      { feature: 'bb_upper_20_2', label: 'BB upper', color: '#8b5cf6', style: 'line' },
      { feature: 'bb_middle_20_2', label: 'BB middle', color: '#8b5cf680', style: 'line' },
      { feature: 'bb_lower_20_2', label: 'BB lower', color: '#8b5cf6', style: 'line' },
    ],
  },
  {
    id: 'rsi',
    label: 'RSI 14',
    place: 'pane',
    lines: [{ feature: 'rsi_14', label: 'RSI 14', color: '#eab308', style: 'line' }],
    levels: [30, 70],
  },
  {
    id: 'macd',
    label: 'MACD 12, 26, 9',
    place: 'pane',
    lines: [
      { feature: 'macd_hist_12_26_9', label: 'MACD hist', color: '#94a3b8', style: 'histogram' },
      { feature: 'macd_12_26_9', label: 'MACD', color: '#3b82f6', style: 'line' },
      { feature: 'macd_signal_12_26_9', label: 'Signal', color: '#f97316', style: 'line' },
    ],
  },
  {
    id: 'volume',
    label: 'Volume, SMA 20',
    place: 'pane',
    lines: [{ feature: 'volume_sma_20', label: 'Vol SMA 20', color: '#14b8a6', style: 'line' }],
  },
];

const BY_ID = new Map(INDICATORS.map((i) => [i.id, i]));

/** The chosen indicators in menu order (unknown ids dropped). */
export function chosenIndicators(ids: Iterable<string>): Indicator[] {
  const set = new Set(ids);
  return INDICATORS.filter((i) => set.has(i.id) && BY_ID.has(i.id));
}

/** The feature names the chosen indicators need, each once. */
export function featuresOf(indicators: readonly Indicator[]): string[] {
  return [...new Set(indicators.flatMap((i) => i.lines.map((l) => l.feature)))];
}

/** Which pane each chosen indicator goes to: overlays on the price pane (0), panes 1, 2, … in menu order. */
export function paneOf(indicators: readonly Indicator[]): Map<string, number> {
  const panes = new Map<string, number>();
  let next = 1;
  for (const i of indicators) panes.set(i.id, i.place === 'overlay' ? 0 : next++);
  return panes;
}

/** One feature's points as the chart draws them (times in seconds); empty (warm-up) values are left out. */
export function featurePoints(series: FeatureSeries, feature: string): LinePoint[] {
  const values = series.values[feature] ?? [];
  const points: LinePoint[] = [];
  for (let i = 0; i < series.time.length; i++) {
    const v = values[i];
    if (v !== undefined && Number.isFinite(v)) points.push({ time: Math.floor(series.time[i]! / 1000), value: v });
  }
  return points;
}

/** The value of `feature` at the candle opening at `timeMs` (null when empty or not there). */
export function featureAt(series: FeatureSeries, feature: string, timeMs: number): number | null {
  const i = series.time.indexOf(timeMs);
  const v = i < 0 ? undefined : series.values[feature]?.[i];
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** Where the chosen indicator ids are kept between visits. */
export const INDICATORS_KEY = 'candlecast.chart.indicators';
