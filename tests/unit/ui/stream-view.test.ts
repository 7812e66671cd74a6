import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import type { Insight, PatternsPart } from '../../../src/core/insights/types';
import { PATTERN_NAMES, type PatternName } from '../../../src/core/patterns/names';
import type { ReplayState, StreamUpdate } from '../../../workers/engine-api';
import { sameSeries } from '../../../src/core/candles/series-key';
import { StreamView, replayAfter } from '../../../src/ui/stream-view';

const T0 = Date.UTC(2024, 0, 1, 12, 0);
const KEY = { exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' as const };

const candle = (i: number): Candle => ({
  time: T0 + i * 60_000,
  open: 100 + i,
  high: 101 + i,
  low: 99 + i,
  close: 100.5 + i,
  volume: 10,
});

function patterns(on: PatternName[], detected: Partial<Record<PatternName, number>> = {}): PatternsPart {
  const rules = Object.fromEntries(PATTERN_NAMES.map((n) => [n, on.includes(n)])) as Record<PatternName, boolean>;
  return { detected, count: 0, strongest: null, rules, probabilities: null };
}

function insightAt(i: number, p: PatternsPart): Insight {
  return { time: candle(i).time, current_price: candle(i).close, patterns: p } as unknown as Insight;
}

function update(i: number, o: Partial<StreamUpdate> = {}): StreamUpdate {
  return {
    key: KEY,
    earlier: [],
    candle: candle(i),
    closed: true,
    closedCount: i + 1,
    epoch: 1,
    source: 'replay',
    insight: null,
    ...o,
  };
}

describe('StreamView', () => {
  it('hands over the candles of all updates since the last frame, in order, once', () => {
    const v = new StreamView();
    v.take(update(0));
    v.take(update(2, { earlier: [candle(1)] }));
    const f = v.frame();
    expect(f.candles.map((c) => c.time)).toEqual([0, 1, 2].map((i) => candle(i).time));
    expect(f.restart).toBe(false);
    expect(f.markers).toBeNull();
    expect(v.frame().candles).toEqual([]);
  });

  it('a new epoch (a replay seek) drops what came before and replaces the chart', () => {
    const v = new StreamView();
    v.take(update(0, { insight: insightAt(0, patterns(['doji'])) }));
    v.take(update(1));
    v.take(update(50, { epoch: 2 }));
    const f = v.frame();
    expect(f.candles.map((c) => c.time)).toEqual([candle(50).time]);
    expect(f.restart).toBe(true);
    expect(f.markers).toEqual([]);
    v.take(update(51, { epoch: 2 }));
    expect(v.frame().restart).toBe(false);
  });

  it('marks a closed candle’s patterns only from that candle’s own insight', () => {
    const v = new StreamView();
    v.take(update(3, { insight: insightAt(2, patterns(['hammer'])) }));
    expect(v.frame().markers).toBeNull();
    v.take(update(4, { closed: false, insight: insightAt(4, patterns(['hammer'])) }));
    expect(v.frame().markers).toBeNull();
    v.take(update(5, { insight: insightAt(5, patterns(['hammer'], { hammer: 0.9 })) }));
    expect(v.frame().markers).toEqual([
      { time: candle(5).time / 1000, bias: 'bullish', text: 'Hammer', patterns: ['hammer'], cnn: ['hammer'] },
    ]);
  });

  it('opens with the history’s rule markers and the latest insight, leaving pending candles for the next frame', () => {
    const v = new StreamView();
    v.take(update(9));
    const opened = v.open({
      insight: insightAt(9, patterns([], { doji: 0.8 })),
      historyPatterns: [
        { time: candle(1).time, rules: ['engulfing_bearish'], cnn: [] },
        { time: candle(2).time, rules: [], cnn: ['hammer'] },
      ],
    });
    expect(opened?.map((m) => [m.text, m.cnn])).toEqual([
      ['Engulfing (bearish)', []],
      ['Hammer', ['hammer']],
      ['Doji', ['doji']],
    ]);
    expect(v.open({ insight: null, historyPatterns: [] })).toBeNull();
    expect(v.frame().candles.map((c) => c.time)).toEqual([candle(9).time]);
    v.reset();
    expect(v.frame()).toEqual({ candles: [], restart: false, markers: null });
  });
});

describe('replay state after an update', () => {
  const state: ReplayState = {
    id: 1,
    first: T0,
    state: 'playing',
    position: 0,
    total: 10,
    speed: 10,
    time: null,
  };

  it('is the true position and the last closed candle’s time; it ends at the last candle', () => {
    expect(replayAfter(state, update(3))).toMatchObject({ position: 4, time: candle(3).time, state: 'playing' });
    // A candle still forming: the time is the last closed one's.
    expect(replayAfter(state, update(4, { closed: false, closedCount: 4, earlier: [candle(3)] }))).toMatchObject({
      position: 4,
      time: candle(3).time,
    });
    expect(replayAfter(state, update(9, { closedCount: 12 }))).toMatchObject({ position: 10, state: 'ended' });
  });

  it('tells streams apart by exchange, symbol and timeframe (the one sameSeries)', () => {
    expect(sameSeries(KEY, { ...KEY })).toBe(true);
    expect(sameSeries(KEY, { ...KEY, exchange: 'binance' })).toBe(false);
    expect(sameSeries(KEY, { ...KEY, timeframe: '5m' })).toBe(false);
  });
});
