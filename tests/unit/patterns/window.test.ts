import { describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import {
  buildWindows,
  OPEN_GAP_MARGIN,
  OPEN_RANGE_MARGIN,
  WINDOW_CLIP,
  WINDOW_FEATURES,
  WINDOW_LENGTH,
  WINDOW_SIZE,
  writeWindow,
} from '../../../src/core/patterns/window';
import { simulatedCandles, withOpenGaps } from '../../helpers/synthetic';

function scaled(candles: readonly Candle[], price: number, volume: number): Candle[] {
  return candles.map((c) => ({
    ...c,
    open: c.open * price,
    high: c.high * price,
    low: c.low * price,
    close: c.close * price,
    volume: c.volume * volume,
  }));
}

describe('normalised OHLCV windows', () => {
  const candles = withOpenGaps(simulatedCandles(120, 11));
  const cols = toColumns(candles);
  const ends = [19, 50, 119];

  it('is scale-free: prices x1000 and volume x37 give the same windows', () => {
    const a = buildWindows(cols, ends);
    const b = buildWindows(toColumns(scaled(candles, 1000, 37)), ends);
    expect(a.length).toBe(ends.length * WINDOW_SIZE);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it('computes (price - last close) / mean range and log1p(volume / mean volume)', () => {
    const end = 50;
    const w = buildWindows(cols, [end]);
    const start = end - WINDOW_LENGTH + 1;
    let range = 0;
    let vol = 0;
    for (let i = start; i <= end; i++) {
      range += candles[i]!.high - candles[i]!.low;
      vol += candles[i]!.volume;
    }
    range /= WINDOW_LENGTH;
    vol /= WINDOW_LENGTH;
    const ref = candles[end]!.close;
    for (let t = 0; t < WINDOW_LENGTH; t++) {
      const c = candles[start + t]!;
      const row = w.subarray(t * WINDOW_FEATURES, (t + 1) * WINDOW_FEATURES);
      const prev = t === 0 ? undefined : candles[start + t - 1]!;
      const gap = prev ? Math.sign(c.open - prev.close) : 0;
      const outside = prev ? (c.open > prev.high ? 1 : c.open < prev.low ? -1 : 0) : 0;
      expect(row[0]).toBeCloseTo((c.open - ref) / range + OPEN_GAP_MARGIN * gap + OPEN_RANGE_MARGIN * outside, 5);
      expect(row[1]).toBeCloseTo((c.high - ref) / range, 5);
      expect(row[2]).toBeCloseTo((c.low - ref) / range, 5);
      expect(row[3]).toBeCloseTo((c.close - ref) / range, 5);
      expect(row[4]).toBeCloseTo(Math.log1p(c.volume / vol), 5);
    }
    expect(w[(WINDOW_LENGTH - 1) * WINDOW_FEATURES + 3]).toBe(0); // last close is the origin
  });

  it('handles flat windows and clips outliers', () => {
    const flat: Candle[] = Array.from({ length: 20 }, (_, i) => ({
      time: i,
      open: 5,
      high: 5,
      low: 5,
      close: 5,
      volume: 0,
    }));
    const w = buildWindows(toColumns(flat), [19]);
    expect(Array.from(w).every((v) => v === 0)).toBe(true);
    const spike = flat.map((c, i) =>
      i === 0 ? { ...c, open: 5000, high: 5000, low: 5000, close: 5000 } : { ...c, high: 5.01, low: 4.99 },
    );
    const s = buildWindows(toColumns(spike), [19]);
    expect(s[1]).toBe(WINDOW_CLIP);
    expect(Array.from(s).every((v) => Number.isFinite(v) && Math.abs(v) <= WINDOW_CLIP)).toBe(true);
  });

  it('refuses a window without 20 candles', () => {
    expect(() => writeWindow(cols, 18, new Float32Array(WINDOW_SIZE))).toThrow(RangeError);
    expect(() => writeWindow(cols, 120, new Float32Array(WINDOW_SIZE))).toThrow(RangeError);
  });
});
