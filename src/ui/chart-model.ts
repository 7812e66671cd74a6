import type { Candle } from '../core/candles/candle';
import { timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { HORIZONS, type Insight, type PatternsPart } from '../core/insights/types';
import { PATTERN_NAMES, type PatternName } from '../core/patterns/names';
import { EMPTY, formatPercent, formatPrice, patternLabel, priceDigits } from './format';

/**
 * What the chart draws, as plain data (times in epoch SECONDS, as lightweight-charts wants them). Built from
 * what the engine pushes; the chart component only hands these to the library.
 */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}
export interface VolumeBar {
  time: number;
  value: number;
  up: boolean;
}
export interface LinePoint {
  time: number;
  value: number;
}

/** The prediction fan: the predicted close path and its 80% interval, each starting at the last close. */
export interface Fan {
  median: LinePoint[];
  lower: LinePoint[];
  upper: LinePoint[];
}

export type PatternBias = 'bullish' | 'bearish' | 'neutral';

export interface PatternMarker {
  time: number;
  bias: PatternBias;
  text: string;
  patterns: PatternName[];
  /** The patterns the CNN detected at its per-pattern threshold (the manifest's), a subset of `patterns`. */
  cnn: PatternName[];
}

const toSeconds = (ms: number) => Math.floor(ms / 1000);

export function toBar(c: Candle): Bar {
  return { time: toSeconds(c.time), open: c.open, high: c.high, low: c.low, close: c.close };
}

export function toVolume(c: Candle): VolumeBar {
  return { time: toSeconds(c.time), value: c.volume, up: c.close >= c.open };
}

/** Which way each pattern points (the usual trading reading; harami, doji and marubozu depend on context). */
export const PATTERN_BIAS: Record<PatternName, PatternBias> = {
  doji: 'neutral',
  hammer: 'bullish',
  shooting_star: 'bearish',
  engulfing_bullish: 'bullish',
  engulfing_bearish: 'bearish',
  morning_star: 'bullish',
  evening_star: 'bearish',
  three_white_soldiers: 'bullish',
  three_black_crows: 'bearish',
  harami: 'neutral',
  piercing_line: 'bullish',
  dark_cloud_cover: 'bearish',
  tweezer_top: 'bearish',
  tweezer_bottom: 'bullish',
  marubozu: 'neutral',
};

/**
 * The fan drawn from the insight's candle: point 0 is (insight time, current price), then one point per
 * horizon h at time + h candles. Horizons the engine did not predict are left out.
 */
export function fanFromInsight(insight: Insight, timeframe: Timeframe): Fan {
  const step = timeframeMs(timeframe);
  const origin: LinePoint = { time: toSeconds(insight.time), value: insight.current_price };
  const fan: Fan = { median: [origin], lower: [origin], upper: [origin] };
  for (const h of HORIZONS) {
    const p = insight.price_predictions[`${h}`];
    if (!p) continue;
    const time = toSeconds(insight.time + h * step);
    fan.median.push({ time, value: p.prediction });
    fan.lower.push({ time, value: p.lower });
    fan.upper.push({ time, value: p.upper });
  }
  if (fan.median.length === 1) return { median: [], lower: [], upper: [] };
  return fan;
}

/** The patterns seen at a candle: the CNN's detections and the rule detectors' verdicts, CNN order. */
export function patternsAtCandle(patterns: PatternsPart): PatternName[] {
  const names = new Set<PatternName>();
  for (const name of Object.keys(patterns.detected) as PatternName[]) names.add(name);
  for (const [name, fired] of Object.entries(patterns.rules) as Array<[PatternName, boolean]>) {
    if (fired) names.add(name);
  }
  return [...names];
}

/** One marker per candle with patterns: pointing up when bullish patterns outnumber bearish ones, and so on. */
export function markerFor(timeMs: number, patterns: PatternsPart): PatternMarker | null {
  return markerOf(timeMs, patternsAtCandle(patterns), Object.keys(patterns.detected) as PatternName[]);
}

/** The marker of a candle with these patterns (null for none); `cnn` are those the CNN detected. */
export function markerOf(timeMs: number, names: PatternName[], cnn: PatternName[] = []): PatternMarker | null {
  if (names.length === 0) return null;
  let score = 0;
  for (const n of names) score += PATTERN_BIAS[n] === 'bullish' ? 1 : PATTERN_BIAS[n] === 'bearish' ? -1 : 0;
  const bias: PatternBias = score > 0 ? 'bullish' : score < 0 ? 'bearish' : 'neutral';
  return {
    time: toSeconds(timeMs),
    bias,
    text: names.map(patternLabel).join(', '),
    patterns: names,
    cnn: names.filter((n) => cnn.includes(n)),
  };
}

/**
 * Which pattern markers the chart shows: every pattern a rule or the CNN saw (`all`), only the CNN's detections
 * at its per-pattern thresholds (`cnn`, the default: rules fire on most candles), or the patterns the user chose.
 */
export type MarkerFilterMode = 'all' | 'cnn' | 'chosen';
export interface MarkerFilter {
  mode: MarkerFilterMode;
  /** The patterns shown in `chosen` mode (kept while another mode is on, so switching back restores them). */
  patterns: PatternName[];
}
export const MARKER_FILTER_MODES: readonly MarkerFilterMode[] = ['cnn', 'chosen', 'all'];
export const DEFAULT_MARKER_FILTER: MarkerFilter = { mode: 'cnn', patterns: [] };
/** localStorage key of the marker filter. */
export const MARKER_FILTER_KEY = 'candlecast.markers';

/** The saved filter (JSON), or the default for anything unreadable; unknown pattern names are dropped. */
export function parseMarkerFilter(raw: string | null): MarkerFilter {
  if (!raw) return DEFAULT_MARKER_FILTER;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return DEFAULT_MARKER_FILTER;
    const { mode, patterns } = v as { mode?: unknown; patterns?: unknown };
    if (!MARKER_FILTER_MODES.includes(mode as MarkerFilterMode)) return DEFAULT_MARKER_FILTER;
    const names = Array.isArray(patterns) ? PATTERN_NAMES.filter((n) => (patterns as unknown[]).includes(n)) : [];
    return { mode: mode as MarkerFilterMode, patterns: names };
  } catch {
    return DEFAULT_MARKER_FILTER;
  }
}

/** The markers the filter lets through, each reduced to the patterns it shows (bias and text follow them). */
export function filterMarkers(markers: readonly PatternMarker[], filter: MarkerFilter): PatternMarker[] {
  if (filter.mode === 'all') return [...markers];
  const out: PatternMarker[] = [];
  for (const m of markers) {
    const names = filter.mode === 'cnn' ? m.cnn : m.patterns.filter((n) => filter.patterns.includes(n));
    const kept = names.length === m.patterns.length ? m : markerOf(m.time * 1000, names, m.cnn);
    if (kept) out.push(kept);
  }
  return out;
}

/** The newest marker whose candle lies within [from, to] (seconds), or null. */
export function newestVisible(markers: readonly PatternMarker[], from: number, to: number): PatternMarker | null {
  for (let i = markers.length - 1; i >= 0; i--) {
    const m = markers[i]!;
    if (m.time <= to && m.time >= from) return m;
    if (m.time < from) return null;
  }
  return null;
}

/**
 * Where a label of `size` px goes along an axis of `span` px when centred on `at`: shifted inwards so it never
 * crosses either edge (`pad` px margin); a label wider than the span starts at the margin.
 */
export function clampLabel(at: number, size: number, span: number, pad = 4): number {
  const start = at - size / 2;
  return Math.max(pad, Math.min(start, span - size - pad));
}

/** The pattern markers of the last `capacity` candles with patterns, sorted by time (a later one for the same candle wins). */
export class MarkerHistory {
  private readonly byTime = new Map<number, PatternMarker>();

  constructor(private readonly capacity = 300) {}

  /** Records the patterns of the insight's candle; returns true when the markers changed. */
  record(insight: Insight): boolean {
    return this.put(insight.time, markerFor(insight.time, insight.patterns));
  }

  /**
   * Records the rule and CNN detections of candles that closed before the view opened, leaving candles already
   * marked from an insight as they are; returns true when markers changed.
   */
  recordHistory(entries: readonly { time: number; rules: PatternName[]; cnn?: PatternName[] }[]): boolean {
    let changed = false;
    for (const e of entries) {
      if (this.byTime.has(toSeconds(e.time))) continue;
      const cnn = e.cnn ?? [];
      const names = [...new Set([...e.rules, ...cnn])];
      changed = this.put(e.time, markerOf(e.time, names, cnn)) || changed;
    }
    return changed;
  }

  private put(timeMs: number, marker: PatternMarker | null): boolean {
    const time = toSeconds(timeMs);
    if (!marker) return this.byTime.delete(time);
    const previous = this.byTime.get(time);
    if (previous && previous.text === marker.text && previous.cnn.join() === marker.cnn.join()) return false;
    this.byTime.set(time, marker);
    if (this.byTime.size > this.capacity) {
      const oldest = Math.min(...this.byTime.keys());
      this.byTime.delete(oldest);
    }
    return true;
  }

  clear(): void {
    this.byTime.clear();
  }

  markers(): PatternMarker[] {
    return [...this.byTime.values()].sort((a, b) => a.time - b.time);
  }
}

/**
 * True when `b` is the same computation as `a` (updates repeat the stream's latest insight until the engine
 * computes a new one; every message is a fresh copy, so identity cannot tell).
 */
export function sameInsight(a: Insight, b: Insight | null): boolean {
  return (
    b !== null &&
    a.time === b.time &&
    a.current_price === b.current_price &&
    a.computed_ms === b.computed_ms &&
    a.confidence === b.confidence &&
    a.patterns.count === b.patterns.count
  );
}

/** A batch with more updates than this is drawn by replacing the chart's data, not bar by bar. */
export const REDRAW_OVER = 32;
/** The chart holds the newest this many candles: redrawing more costs the main thread too much during a fast replay. */
export const CHART_CAPACITY = 2000;

/** How a batch of candle updates is best drawn: bar by bar (`updates`), or all of `ChartCandles.all()` again. */
export type DrawPlan = { redraw: false; updates: Candle[] } | { redraw: true };

/**
 * The candles a chart holds, oldest first, at most `capacity` (the oldest go). Updates come in order: a
 * candle with the last one's time replaces it (the still-open candle), a later one is appended, an older one
 * is ignored. Large batches (a replay at 'max') and trimmed lists are drawn in one go: the chart library's
 * per-bar update costs more than a redraw then.
 */
export class ChartCandles {
  private list: Candle[] = [];
  /** Candles dropped from the front by the last apply(). */
  dropped = 0;

  constructor(readonly capacity = CHART_CAPACITY) {}

  get length(): number {
    return this.list.length;
  }

  all(): readonly Candle[] {
    return this.list;
  }

  last(): Candle | undefined {
    return this.list.at(-1);
  }

  reset(candles: readonly Candle[]): void {
    this.list = candles.slice(-this.capacity);
    this.dropped = 0;
  }

  apply(updates: readonly Candle[]): DrawPlan {
    const drawn: Candle[] = [];
    for (const c of updates) {
      const last = this.list.at(-1);
      if (last && c.time < last.time) continue;
      if (last && c.time === last.time) this.list[this.list.length - 1] = c;
      else this.list.push(c);
      drawn.push(c);
    }
    this.dropped = Math.max(0, this.list.length - this.capacity);
    if (this.dropped > 0) this.list = this.list.slice(this.dropped);
    return drawn.length > REDRAW_OVER || this.dropped > 0 ? { redraw: true } : { redraw: false, updates: drawn };
  }

  /** The candle with this open time (epoch ms), if held. */
  at(timeMs: number): Candle | undefined {
    const i = this.indexOf(timeMs);
    return i === undefined ? undefined : this.list[i];
  }

  /** The position of the candle with this open time (epoch ms), if held. */
  indexOf(timeMs: number): number | undefined {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.list[mid]!.time;
      if (t === timeMs) return mid;
      if (t < timeMs) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/**
 * Where the visible (logical) range goes when the chart went from `countBefore` to `countAfter` candles,
 * `dropped` of them removed from the front: with the newest candle in view (`follow`) the range keeps its
 * width and its offset from the newest candle; otherwise it stays on the candles the user scrolled to.
 * `following` says whether the view follows (the user has not scrolled back) when the caller knows it: the
 * range alone can be caught mid-change by the chart library (a redraw at capacity).
 */
export function followRange(
  range: { from: number; to: number } | null,
  countBefore: number,
  countAfter: number,
  dropped = 0,
  following?: boolean,
): { follow: boolean; next: { from: number; to: number } | null } {
  if (!range) return { follow: following ?? true, next: null };
  const follow = following ?? range.to >= countBefore - 1.5;
  if (follow) {
    const shift = countAfter - countBefore;
    return { follow, next: shift !== 0 || dropped > 0 ? { from: range.from + shift, to: range.to + shift } : null };
  }
  return { follow, next: dropped > 0 ? { from: range.from - dropped, to: range.to - dropped } : null };
}

/** Most decimals a price tick is looked for at; prices with more (computed, not quoted) fall back to their size. */
const MAX_TICK_DECIMALS = 8;

/**
 * The decimals of an instrument's price tick, read from its candles: the fewest decimals that write every
 * open/high/low/close exactly (EUR/USD quoted to 0.00001 gives 5, BTC to 0.01 gives 2). Prices with more than
 * 8 decimals are not quotes of a tick: the digits then follow the price's size (`priceDigits`). A sample of
 * the newest `sample` candles is enough.
 */
export function tickDigits(candles: readonly Candle[], sample = 200): number {
  const last = candles.at(-1);
  if (!last) return 2;
  let digits = 0;
  for (const c of candles.slice(-sample)) {
    for (const p of [c.open, c.high, c.low, c.close]) {
      while (digits <= MAX_TICK_DECIMALS && !onTick(p, digits)) digits++;
      if (digits > MAX_TICK_DECIMALS) return priceDigits(last.close);
    }
  }
  return digits;
}

function onTick(price: number, digits: number): boolean {
  const scaled = price * 10 ** digits;
  // Within a millionth of a tick, or the rounding error of the product itself for large ones.
  return Math.abs(scaled - Math.round(scaled)) <= Math.max(1e-6, 8 * Number.EPSILON * Math.abs(scaled));
}

/** The readout of one candle: its OHLCV and the change of its close from the previous candle's close. */
export interface Legend {
  /** Open time, epoch ms. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** close − previous close; null for the first candle held. */
  change: number | null;
  /** change / previous close (a fraction); null for the first candle held. */
  changeRatio: number | null;
}

/**
 * The legend of the candle at `timeSeconds` (the crosshair's time, seconds as the chart reports it), or of the
 * newest candle when the crosshair is off the candles (`null`, or a time in the future slots); null when empty.
 */
export function legendAt(candles: ChartCandles, timeSeconds: number | null): Legend | null {
  const all = candles.all();
  const at = timeSeconds === null ? undefined : candles.indexOf(timeSeconds * 1000);
  const i = at ?? all.length - 1;
  const c = all[i];
  if (!c) return null;
  const prev = i > 0 ? all[i - 1] : undefined;
  const change = prev ? c.close - prev.close : null;
  return {
    time: c.time,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    change,
    changeRatio: prev && change !== null && prev.close !== 0 ? change / prev.close : null,
  };
}

/** The legend as shown: prices to the instrument's tick with thousands separators, signed change and percent. */
export interface LegendText {
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  change: string;
  direction: 'up' | 'down' | 'flat';
}

/** The legend's candle fields in the order shown: the letter before each and its LegendText field. */
export const LEGEND_FIELDS = [
  { key: 'open', letter: 'O' },
  { key: 'high', letter: 'H' },
  { key: 'low', letter: 'L' },
  { key: 'close', letter: 'C' },
  { key: 'volume', letter: 'V' },
] as const satisfies ReadonlyArray<{ key: keyof LegendText; letter: string }>;

export function legendText(legend: Legend, digits: number): LegendText {
  const { change, changeRatio } = legend;
  const sign = (v: number) => (v > 0 ? '+' : v < 0 ? '−' : '');
  const changeText =
    change === null || changeRatio === null
      ? EMPTY
      : `${sign(change)}${formatPrice(Math.abs(change), digits)} (${sign(change)}${formatPercent(Math.abs(changeRatio), 2)})`;
  return {
    open: formatPrice(legend.open, digits),
    high: formatPrice(legend.high, digits),
    low: formatPrice(legend.low, digits),
    close: formatPrice(legend.close, digits),
    volume: formatPrice(legend.volume, legend.volume >= 100 || Number.isInteger(legend.volume) ? 0 : 2),
    change: changeText,
    direction: change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down',
  };
}
