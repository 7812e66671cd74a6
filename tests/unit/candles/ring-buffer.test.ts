import { describe, expect, it } from 'vitest';
import { CandleRingBuffer } from '../../../src/core/candles/ring-buffer';
import type { Candle } from '../../../src/core/candles/candle';

const candle = (i: number, close = 100 + i): Candle => ({
  time: i * 60_000,
  open: 100,
  high: Math.max(100, close) + 1,
  low: Math.min(100, close) - 1,
  close,
  volume: i,
});

describe('CandleRingBuffer', () => {
  it('keeps the last N candles in order, oldest first', () => {
    const ring = new CandleRingBuffer(3);
    expect(ring.length).toBe(0);
    expect(ring.last()).toBeUndefined();
    for (let i = 0; i < 5; i++) ring.push(candle(i));
    expect(ring.length).toBe(3);
    expect(ring.toArray().map((c) => c.time)).toEqual([2, 3, 4].map((i) => i * 60_000));
    expect(ring.get(0)).toEqual(candle(2));
    expect(ring.last()).toEqual(candle(4));
  });

  it('replaces the still-open candle in place', () => {
    const ring = new CandleRingBuffer(2);
    ring.push(candle(0));
    ring.push(candle(1));
    ring.push(candle(2));
    ring.replaceLast(candle(2, 90));
    expect(ring.length).toBe(2);
    expect(ring.last()).toEqual(candle(2, 90));
    expect(ring.get(0)).toEqual(candle(1));
  });

  it('upserts: same open time replaces, a new time appends', () => {
    const ring = new CandleRingBuffer(10);
    ring.upsert(candle(0));
    ring.upsert(candle(0, 95));
    ring.upsert(candle(1));
    expect(ring.toArray()).toEqual([candle(0, 95), candle(1)]);
  });

  it('rejects bad capacities, bad indexes and replacing in an empty buffer', () => {
    expect(() => new CandleRingBuffer(0)).toThrow(/positive integer/);
    expect(() => new CandleRingBuffer(1.5)).toThrow(/positive integer/);
    const ring = new CandleRingBuffer(2);
    expect(() => ring.replaceLast(candle(0))).toThrow(/empty/);
    ring.push(candle(0));
    expect(() => ring.get(1)).toThrow(RangeError);
    expect(() => ring.get(-1)).toThrow(RangeError);
    ring.clear();
    expect(ring.length).toBe(0);
  });
});
