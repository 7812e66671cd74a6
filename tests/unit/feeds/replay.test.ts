import { describe, expect, it } from 'vitest';
import type { Candle, CandleUpdate } from '../../../src/core/candles/candle';
import { candleProblem } from '../../../src/core/candles/validate';
import { openCandleAt, ReplayFeed, type ReplayOptions, type ReplayStatus } from '../../../src/feeds/replay';
import { syntheticCandles } from '../store/candles';
import { ManualScheduler } from './manual-scheduler';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

interface Recorded {
  at: number;
  update: CandleUpdate;
}

function setup(candles: readonly Candle[], options: ReplayOptions = {}) {
  const scheduler = new ManualScheduler();
  const updates: Recorded[] = [];
  const statuses: ReplayStatus[] = [];
  let ended = 0;
  const feed = new ReplayFeed(
    candles,
    {
      onCandle: (update) => updates.push({ at: scheduler.now(), update }),
      onStatus: (s) => statuses.push(s),
      onEnd: () => ended++,
    },
    { scheduler, ...options },
  );
  const closed = () => updates.filter((u) => u.update.closed);
  return { feed, scheduler, updates, statuses, closed, ended: () => ended };
}

describe('ReplayFeed timing', () => {
  it('closes `speed` candles per second, whatever the timeframe, in order, as exact copies', () => {
    const candles = syntheticCandles(5, T0);
    const { feed, scheduler, updates, ended } = setup(candles, { speed: 100, intraCandle: false });
    feed.play();
    scheduler.advance(9);
    expect(updates).toEqual([]);
    scheduler.advance(1);
    expect(updates).toEqual([{ at: 10, update: { candle: candles[0], closed: true } }]);
    scheduler.advance(10_000);
    expect(updates.map((u) => u.at)).toEqual([10, 20, 30, 40, 50]);
    expect(updates.map((u) => u.update.candle)).toEqual(candles);
    expect(updates.every((u) => u.update.closed)).toBe(true);
    expect(ended()).toBe(1);
    expect(feed.status()).toEqual({ state: 'ended', position: 5, total: 5, speed: 100, time: candles[4]!.time });
    expect(scheduler.pending()).toBe(0);
  });

  it('runs one candle a second at 1 and ten a second at 10 (hourly candles too)', () => {
    const candles = syntheticCandles(3, T0);
    const slow = setup(candles, { speed: 1, intraCandle: false });
    slow.feed.play();
    slow.scheduler.advance(3000);
    expect(slow.updates.map((u) => u.at)).toEqual([1000, 2000, 3000]);
    const hourly = candles.map((c, i) => ({ ...c, time: T0 + i * 60 * MIN }));
    const fast = setup(hourly, { speed: 10, intraCandle: false });
    fast.feed.play();
    fast.scheduler.advance(3000);
    expect(fast.updates.map((u) => u.at)).toEqual([100, 200, 300]);
  });

  it('precedes each close with open updates along the OHLC path at thirds of the candle', () => {
    const rising = { time: T0, open: 10, high: 13, low: 9, close: 12, volume: 30 };
    const falling = { time: T0 + MIN, open: 12, high: 12.5, low: 8, close: 9, volume: 6 };
    const { feed, scheduler, updates } = setup([rising, falling], { speed: 1 });
    feed.play();
    scheduler.advance(2000);
    expect(updates.map((u) => [Math.round(u.at), u.update.closed])).toEqual([
      [0, false],
      [333, false],
      [667, false],
      [1000, true],
      [1000, false],
      [1333, false],
      [1667, false],
      [2000, true],
    ]);
    const path = updates.map((u) => u.update.candle);
    expect(path.slice(0, 4)).toEqual([
      { time: T0, open: 10, high: 10, low: 10, close: 10, volume: 0 },
      { time: T0, open: 10, high: 10, low: 9, close: 9, volume: 10 },
      { time: T0, open: 10, high: 13, low: 9, close: 13, volume: 20 },
      rising,
    ]);
    expect(path.slice(5, 7)).toEqual([
      { time: T0 + MIN, open: 12, high: 12.5, low: 12, close: 12.5, volume: 2 },
      { time: T0 + MIN, open: 12, high: 12.5, low: 8, close: 8, volume: 4 },
    ]);
    for (const c of path) expect(candleProblem(c, '1m')).toBeNull();
  });

  it('keeps its place across a speed change', () => {
    const candles = syntheticCandles(3, T0);
    const { feed, scheduler, updates, statuses } = setup(candles, { speed: 100, intraCandle: false });
    feed.play();
    scheduler.advance(5); // half of the first candle at 100 a second
    feed.setSpeed(10); // the other half takes 50 ms at 10 a second
    expect(statuses.at(-1)).toMatchObject({ state: 'playing', speed: 10, position: 0 });
    scheduler.advance(49);
    expect(updates).toEqual([]);
    scheduler.advance(1);
    expect(updates.map((u) => u.at)).toEqual([55]);
    scheduler.advance(100);
    expect(updates.map((u) => u.at)).toEqual([55, 155]);
    expect(() => feed.setSpeed(3 as 1)).toThrow('replay: unknown speed 3');
  });
});

describe('ReplayFeed controls', () => {
  it('pauses and resumes where it was', () => {
    const candles = syntheticCandles(3, T0);
    const { feed, scheduler, updates } = setup(candles, { speed: 100, intraCandle: false });
    feed.play();
    scheduler.advance(15); // candle 0 closed at 10, half way through candle 1
    feed.pause();
    expect(feed.status()).toMatchObject({ state: 'paused', position: 1, time: candles[0]!.time });
    expect(scheduler.pending()).toBe(0);
    scheduler.advance(60_000);
    expect(updates.length).toBe(1);
    feed.play();
    scheduler.advance(4);
    expect(updates.length).toBe(1);
    scheduler.advance(1);
    expect(updates.map((u) => u.update.candle)).toEqual(candles.slice(0, 2));
  });

  it('seeks to the first candle at or after a time, paused or playing', () => {
    const candles = syntheticCandles(10, T0);
    const { feed, scheduler, updates, statuses } = setup(candles, { speed: 100, intraCandle: false });
    feed.seek(T0 + 5 * MIN);
    expect(statuses.at(-1)).toEqual({ state: 'paused', position: 5, total: 10, speed: 100, time: T0 + 4 * MIN });
    expect(updates).toEqual([]);
    feed.play();
    scheduler.advance(20);
    expect(updates.map((u) => u.update.candle.time)).toEqual([T0 + 5 * MIN, T0 + 6 * MIN]);
    feed.seek(T0 + 1.5 * MIN); // between candles: the next one is minute 2
    scheduler.advance(10);
    expect(updates.map((u) => (u.update.candle.time - T0) / MIN)).toEqual([5, 6, 2]);
    expect(feed.status()).toMatchObject({ state: 'playing', position: 3 });
  });

  it('ends when seeking past the last candle and starts over on play', () => {
    const candles = syntheticCandles(3, T0);
    const { feed, scheduler, updates, ended } = setup(candles, { speed: 'max' });
    feed.seek(T0 + 99 * MIN);
    expect(feed.status()).toMatchObject({ state: 'paused', position: 3, time: candles[2]!.time });
    feed.play();
    scheduler.advance(0);
    expect(updates).toEqual([]);
    expect(ended()).toBe(1);
    expect(feed.status().state).toBe('ended');
    feed.play();
    scheduler.advance(0);
    expect(updates.map((u) => u.update.candle)).toEqual(candles);
    expect(ended()).toBe(2);
  });

  it('stops at once when a listener pauses inside onCandle', () => {
    const candles = syntheticCandles(2000, T0);
    const scheduler = new ManualScheduler();
    const seen: number[] = [];
    const feed = new ReplayFeed(
      candles,
      {
        onCandle: (u) => {
          seen.push(u.candle.time);
          if (seen.length === 42) feed.pause();
        },
      },
      { speed: 'max', scheduler },
    );
    feed.play();
    scheduler.advance(0);
    expect(seen.length).toBe(42);
    expect(feed.status()).toMatchObject({ state: 'paused', position: 42 });
  });

  it('refuses unsorted or invalid candles, naming the first', () => {
    const candles = syntheticCandles(3, T0);
    expect(() => setup([candles[0]!, candles[2]!, candles[1]!])).toThrow(
      `replay: candle #2 (time ${candles[1]!.time}): time ${candles[1]!.time} is before the previous candle's`,
    );
    expect(() => setup([{ ...candles[0]!, low: -1 }])).toThrow('replay: candle #0');
  });

  it('an empty replay ends at once', () => {
    const { feed, scheduler, ended } = setup([]);
    feed.play();
    scheduler.advance(0);
    expect(ended()).toBe(1);
    expect(feed.status()).toEqual({ state: 'ended', position: 0, total: 0, speed: 1, time: null });
  });
});

describe("ReplayFeed at 'max'", () => {
  it('delivers every candle, closed only, yielding between chunks', () => {
    const candles = syntheticCandles(1050, T0);
    const { feed, scheduler, closed, updates, statuses, ended } = setup(candles, { speed: 'max', chunkSize: 100 });
    feed.play();
    expect(updates).toEqual([]); // nothing before the first turn of the event loop
    scheduler.advance(0);
    expect(updates.length).toBe(1050);
    expect(closed().map((u) => u.update.candle)).toEqual(candles);
    expect(statuses.filter((s) => s.state === 'playing').map((s) => s.position)).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1050,
    ]);
    expect(ended()).toBe(1);
  });

  it('switching from max to a timed speed resumes at the next candle boundary', () => {
    const candles = syntheticCandles(300, T0);
    const scheduler = new ManualScheduler();
    const seen: Recorded[] = [];
    const feed = new ReplayFeed(
      candles,
      {
        onCandle: (update) => {
          seen.push({ at: scheduler.now(), update });
          if (seen.length === 100) feed.setSpeed(10);
        },
      },
      { speed: 'max', scheduler, chunkSize: 500 },
    );
    feed.play();
    scheduler.advance(0);
    expect(seen.length).toBe(101); // 100 closed at max, then candle 100 opens at once at 10 a second
    expect(seen[100]).toEqual({ at: 0, update: { candle: openCandleAt(candles[100]!, 0), closed: false } });
    scheduler.advance(100);
    expect(seen.filter((u) => u.update.closed).map((u) => [Math.round(u.at), u.update.candle])).toEqual([
      ...candles.slice(0, 100).map((c) => [0, c]),
      [100, candles[100]],
    ]);
    expect(feed.status()).toMatchObject({ state: 'playing', speed: 10, position: 101 });
  });

  it('openCandleAt starts flat and ends at the second extreme', () => {
    const c = { time: T0, open: 5, high: 7, low: 4, close: 6, volume: 9 };
    expect(openCandleAt(c, 0)).toEqual({ time: T0, open: 5, high: 5, low: 5, close: 5, volume: 0 });
    expect(openCandleAt(c, 2)).toEqual({ time: T0, open: 5, high: 7, low: 4, close: 7, volume: 6 });
  });
});

describe("ReplayFeed at 'max' with a slow consumer", () => {
  it('waits for ready() before each next chunk, and a pause while waiting holds', async () => {
    const candles = syntheticCandles(250, T0);
    const scheduler = new ManualScheduler();
    let closed = 0;
    let release: () => void = () => undefined;
    const feed = new ReplayFeed(
      candles,
      {
        onCandle: () => void closed++,
        ready: () => new Promise<void>((resolve) => (release = resolve)),
      },
      { speed: 'max', scheduler, chunkSize: 100 },
    );
    feed.play();
    scheduler.advance(0);
    expect(closed).toBe(100);
    scheduler.advance(1000);
    expect(closed).toBe(100); // not ready yet: no next chunk
    release();
    await Promise.resolve();
    scheduler.advance(0);
    expect(closed).toBe(200);
    feed.pause();
    release();
    await Promise.resolve();
    scheduler.advance(1000);
    expect(closed).toBe(200);
    feed.play();
    scheduler.advance(0);
    expect(closed).toBe(250);
    expect(feed.status().state).toBe('ended');
  });
});
