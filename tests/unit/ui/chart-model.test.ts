import { describe, expect, it } from 'vitest';
import type { Insight, PatternsPart } from '../../../src/core/insights/types';
import { PATTERN_NAMES, type PatternName } from '../../../src/core/patterns/names';
import {
  ChartCandles,
  MarkerHistory,
  REDRAW_OVER,
  followRange,
  fanFromInsight,
  DEFAULT_MARKER_FILTER,
  clampLabel,
  filterMarkers,
  newestVisible,
  parseMarkerFilter,
  markerFor,
  sameInsight,
  toBar,
  toVolume,
} from '../../../src/ui/chart-model';
import { patternRows } from '../../../src/ui/pattern-rows';

const T0 = Date.UTC(2024, 0, 1, 12, 0);

function rules(on: PatternName[] = []): Record<PatternName, boolean> {
  return Object.fromEntries(PATTERN_NAMES.map((n) => [n, on.includes(n)])) as Record<PatternName, boolean>;
}

function patterns(partial: Partial<PatternsPart> = {}): PatternsPart {
  return { detected: {}, count: 0, strongest: null, rules: rules(), probabilities: null, ...partial };
}

function insight(time: number, p: PatternsPart, predictions: Insight['price_predictions'] = {}): Insight {
  return {
    symbol: 'BTCUSDT',
    exchange: 'simulated',
    timeframe: '5m',
    time,
    current_price: 100,
    patterns: p,
    price_predictions: predictions,
    price_note: null,
    ood: null,
    signals: [],
    confidence: 0.55,
    model_status: {
      pattern_cnn_loaded: false,
      price_predictor_loaded: true,
      models_loaded: false,
      cnn_backend: null,
      ensemble_backend: 'wasm',
      model_version: 'x',
    },
    cached: false,
    computed_ms: 1,
  };
}

const pred = (prediction: number, lower: number, upper: number) => ({
  prediction,
  return: Math.log(prediction / 100),
  lower,
  upper,
  confidence: 0.55,
  std: 1,
  models: { xgboost: prediction, hist_gbdt: prediction, random_forest: prediction },
  skill: true,
  abstain_reason: null,
});

describe('chart model', () => {
  it('bars and volume use epoch seconds', () => {
    const c = { time: T0, open: 1, high: 3, low: 0.5, close: 2, volume: 7 };
    expect(toBar(c)).toEqual({ time: T0 / 1000, open: 1, high: 3, low: 0.5, close: 2 });
    expect(toVolume(c)).toEqual({ time: T0 / 1000, value: 7, up: true });
    expect(toVolume({ ...c, close: 0.9 }).up).toBe(false);
  });

  it('the fan starts at the last close and reaches each horizon h candles later', () => {
    const fan = fanFromInsight(
      insight(T0, patterns(), { '1': pred(101, 99, 103), '5': pred(102, 97, 107), '60': pred(104, 90, 118) }),
      '5m',
    );
    const s = T0 / 1000;
    expect(fan.median).toEqual([
      { time: s, value: 100 },
      { time: s + 300, value: 101 },
      { time: s + 5 * 300, value: 102 },
      { time: s + 60 * 300, value: 104 },
    ]);
    expect(fan.lower.map((p) => p.value)).toEqual([100, 99, 97, 90]);
    expect(fan.upper.map((p) => p.value)).toEqual([100, 103, 107, 118]);
  });

  it('the marker filter shows the CNN detections by default, all patterns, or the chosen ones', () => {
    const h = new MarkerHistory(10);
    h.record(insight(T0, patterns({ detected: { hammer: 0.8 }, rules: rules(['hammer', 'doji', 'shooting_star']) })));
    h.record(insight(T0 + 60_000, patterns({ rules: rules(['doji']) })));
    h.record(insight(T0 + 120_000, patterns({ detected: { engulfing_bearish: 0.7 }, rules: rules([]) })));
    const all = h.markers();
    expect(filterMarkers(all, { mode: 'all', patterns: [] })).toEqual(all);
    const cnn = filterMarkers(all, DEFAULT_MARKER_FILTER);
    expect(DEFAULT_MARKER_FILTER.mode).toBe('cnn');
    // Reduced to what the CNN saw: the hammer alone is bullish (the three patterns together were neutral).
    expect(all[0]?.bias).toBe('neutral');
    expect(cnn).toEqual([
      { time: T0 / 1000, bias: 'bullish', text: 'Hammer', patterns: ['hammer'], cnn: ['hammer'] },
      {
        time: T0 / 1000 + 120,
        bias: 'bearish',
        text: 'Engulfing (bearish)',
        patterns: ['engulfing_bearish'],
        cnn: ['engulfing_bearish'],
      },
    ]);
    const chosen = filterMarkers(all, { mode: 'chosen', patterns: ['doji'] });
    expect(chosen.map((m) => [m.time - T0 / 1000, m.text])).toEqual([
      [0, 'Doji'],
      [60, 'Doji'],
    ]);
    expect(filterMarkers(all, { mode: 'chosen', patterns: [] })).toEqual([]);
  });

  it('reads a saved marker filter, falling back to the default for anything else', () => {
    expect(parseMarkerFilter(null)).toEqual(DEFAULT_MARKER_FILTER);
    expect(parseMarkerFilter('{')).toEqual(DEFAULT_MARKER_FILTER);
    expect(parseMarkerFilter('{"mode":"some"}')).toEqual(DEFAULT_MARKER_FILTER);
    expect(parseMarkerFilter('{"mode":"all"}')).toEqual({ mode: 'all', patterns: [] });
    expect(parseMarkerFilter('{"mode":"chosen","patterns":["doji","nope","hammer"]}')).toEqual({
      mode: 'chosen',
      patterns: ['doji', 'hammer'],
    });
  });

  it('labels stay inside the plot area: shifted in at both edges, centred elsewhere', () => {
    expect(clampLabel(200, 100, 600)).toBe(150);
    expect(clampLabel(10, 100, 600)).toBe(4);
    expect(clampLabel(598, 100, 600)).toBe(496);
    expect(clampLabel(50, 300, 200)).toBe(4);
  });

  it('finds the newest marker in view', () => {
    const ms = [10, 20, 30].map((time) => ({
      time,
      bias: 'neutral' as const,
      text: `m${time}`,
      patterns: [],
      cnn: [],
    }));
    expect(newestVisible(ms, 0, 25)?.text).toBe('m20');
    expect(newestVisible(ms, 0, 100)?.text).toBe('m30');
    expect(newestVisible(ms, 21, 29)).toBeNull();
    expect(newestVisible([], 0, 100)).toBeNull();
  });

  it('tells a repeated insight from a new one', () => {
    const a = insight(T0, patterns());
    expect(sameInsight(a, structuredClone(a))).toBe(true);
    expect(sameInsight(a, null)).toBe(false);
    expect(sameInsight(a, { ...a, current_price: 101 })).toBe(false);
    expect(sameInsight(a, { ...a, time: T0 + 60_000 })).toBe(false);
    expect(sameInsight(a, { ...a, computed_ms: 2 })).toBe(false);
  });

  it('no predictions, no fan', () => {
    expect(fanFromInsight(insight(T0, patterns()), '1m')).toEqual({ median: [], lower: [], upper: [] });
  });

  it('markers combine CNN detections and rule verdicts and take the majority direction', () => {
    expect(markerFor(T0, patterns())).toBeNull();
    const m = markerFor(T0, patterns({ detected: { hammer: 0.9 }, rules: rules(['doji', 'hammer']) }));
    expect(m).toEqual({
      time: T0 / 1000,
      bias: 'bullish',
      text: 'Hammer, Doji',
      patterns: ['hammer', 'doji'],
      cnn: ['hammer'],
    });
    expect(markerFor(T0, patterns({ rules: rules(['shooting_star']) }))?.bias).toBe('bearish');
    expect(markerFor(T0, patterns({ rules: rules(['hammer', 'shooting_star']) }))?.bias).toBe('neutral');
  });

  it('marker history keeps one marker per candle, sorted, up to its capacity', () => {
    const h = new MarkerHistory(2);
    expect(h.record(insight(T0 + 120_000, patterns({ rules: rules(['doji']) })))).toBe(true);
    expect(h.record(insight(T0 + 120_000, patterns({ rules: rules(['doji']) })))).toBe(false);
    expect(h.record(insight(T0, patterns({ rules: rules(['hammer']) })))).toBe(true);
    expect(h.markers().map((m) => m.text)).toEqual(['Hammer', 'Doji']);
    h.record(insight(T0 + 240_000, patterns({ rules: rules(['marubozu']) })));
    expect(h.markers().map((m) => m.text)).toEqual(['Doji', 'Marubozu']);
    expect(h.record(insight(T0 + 240_000, patterns()))).toBe(true);
    expect(h.markers().map((m) => m.text)).toEqual(['Doji']);
  });

  it('history markers fill candles not marked yet and never replace a marker from an insight', () => {
    const h = new MarkerHistory(10);
    h.record(insight(T0 + 60_000, patterns({ detected: { hammer: 0.8 }, rules: rules(['hammer']) })));
    const changed = h.recordHistory([
      { time: T0, rules: ['engulfing_bearish'] },
      { time: T0 + 60_000, rules: ['doji'] },
      { time: T0 + 120_000, rules: [] },
    ]);
    expect(changed).toBe(true);
    expect(h.markers()).toEqual([
      { time: T0 / 1000, bias: 'bearish', text: 'Engulfing (bearish)', patterns: ['engulfing_bearish'], cnn: [] },
      { time: T0 / 1000 + 60, bias: 'bullish', text: 'Hammer', patterns: ['hammer'], cnn: ['hammer'] },
    ]);
    expect(h.recordHistory([{ time: T0, rules: ['engulfing_bearish'] }])).toBe(false);
  });
});

describe('pattern rows', () => {
  it('lists all 15 patterns, strongest CNN probability first', () => {
    const probabilities = Object.fromEntries(PATTERN_NAMES.map((n, i) => [n, i / 100])) as Record<PatternName, number>;
    probabilities.hammer = 0.9;
    const rows = patternRows(patterns({ probabilities, detected: { hammer: 0.9 }, rules: rules(['doji']) }));
    expect(rows).toHaveLength(15);
    expect(rows[0]).toEqual({ name: 'hammer', probability: 0.9, detected: true, rule: false, bias: 'bullish' });
    expect(rows[1]?.name).toBe('marubozu');
    expect(rows.at(-1)).toEqual({ name: 'doji', probability: 0, detected: false, rule: true, bias: 'neutral' });
  });
  it('without the CNN, rule hits come first and probabilities are null', () => {
    const rows = patternRows(patterns({ rules: rules(['harami', 'doji']) }));
    expect(rows.map((r) => r.name).slice(0, 3)).toEqual(['doji', 'harami', 'hammer']);
    expect(rows.every((r) => r.probability === null)).toBe(true);
  });
});

describe('ChartCandles', () => {
  const c = (i: number, close = 100 + i) => ({
    time: T0 + i * 60_000,
    open: 100,
    high: 200,
    low: 50,
    close,
    volume: 1,
  });

  it('appends later candles, replaces the open one, ignores older ones, and plans bar-by-bar for small batches', () => {
    const held = new ChartCandles();
    held.reset([c(0), c(1)]);
    expect(held.apply([c(0, 1), c(1, 7), c(2)])).toEqual({ redraw: false, updates: [c(1, 7), c(2)] });
    expect(held.all()).toEqual([c(0), c(1, 7), c(2)]);
    expect(held.at(T0 + 60_000)).toEqual(c(1, 7));
    expect(held.at(T0 + 30_000)).toBeUndefined();
  });

  it('redraws everything for a batch larger than REDRAW_OVER', () => {
    const held = new ChartCandles();
    const batch = Array.from({ length: REDRAW_OVER + 1 }, (_, i) => c(i));
    expect(held.apply(batch)).toEqual({ redraw: true });
    expect(held.length).toBe(REDRAW_OVER + 1);
    expect(held.last()).toEqual(c(REDRAW_OVER));
  });

  it('keeps the newest `capacity` candles and redraws when it drops older ones', () => {
    const held = new ChartCandles(3);
    held.reset([c(0), c(1), c(2), c(3)]);
    expect(held.all()).toEqual([c(1), c(2), c(3)]);
    expect(held.apply([c(4)])).toEqual({ redraw: true });
    expect(held.dropped).toBe(1);
    expect(held.all()).toEqual([c(2), c(3), c(4)]);
    expect(held.apply([c(4, 9)])).toEqual({ redraw: false, updates: [c(4, 9)] });
    expect(held.dropped).toBe(0);
  });
});

describe('followRange', () => {
  it('moves a view that shows the newest candle with the new ones, and leaves a scrolled-back view alone', () => {
    expect(followRange({ from: 50, to: 105 }, 100, 103)).toEqual({ follow: true, next: { from: 53, to: 108 } });
    expect(followRange({ from: 10, to: 60 }, 100, 103)).toEqual({ follow: false, next: null });
    expect(followRange(null, 0, 5)).toEqual({ follow: true, next: null });
    // At capacity the oldest candles go: a following view stays at the right edge, a scrolled one on its candles.
    expect(followRange({ from: 50, to: 105 }, 100, 100, 3)).toEqual({ follow: true, next: { from: 50, to: 105 } });
    expect(followRange({ from: 10, to: 60 }, 100, 100, 3)).toEqual({ follow: false, next: { from: 7, to: 57 } });
  });

  it('a view the user did not scroll follows even when the range was caught mid-change, and the reverse', () => {
    expect(followRange({ from: 10, to: 60 }, 100, 103, 0, true)).toEqual({ follow: true, next: { from: 13, to: 63 } });
    expect(followRange({ from: 50, to: 105 }, 100, 103, 0, false)).toEqual({ follow: false, next: null });
    expect(followRange(null, 100, 103, 0, false)).toEqual({ follow: false, next: null });
  });
});
