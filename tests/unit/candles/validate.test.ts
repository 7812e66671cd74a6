import { describe, expect, it } from 'vitest';
import { candleProblem, isValidCandle, seriesOrderProblem } from '../../../src/core/candles/validate';
import type { Candle } from '../../../src/core/candles/candle';

const good: Candle = { time: 1_700_000_040_000, open: 100, high: 105, low: 99, close: 104, volume: 12.5 };

describe('candleProblem', () => {
  it('accepts a valid candle, flat zero-volume candles included', () => {
    expect(candleProblem(good)).toBeNull();
    expect(candleProblem({ ...good, open: 100, high: 100, low: 100, close: 100, volume: 0 })).toBeNull();
    expect(isValidCandle(good, '1m')).toBe(true);
  });

  it.each([
    ['NaN open', { open: Number.NaN }, 'open is not a finite number'],
    ['infinite high', { high: Number.POSITIVE_INFINITY }, 'high is not a finite number'],
    ['infinite volume', { volume: Number.NEGATIVE_INFINITY }, 'volume is not a finite number'],
    ['NaN time', { time: Number.NaN }, 'time is not a finite number'],
    ['zero price', { low: 0 }, 'prices must be > 0'],
    ['negative price', { open: -1 }, 'prices must be > 0'],
    ['negative volume', { volume: -0.1 }, 'volume -0.1 is negative'],
    ['high < low', { high: 98, low: 99 }, 'high 98 < low 99'],
    ['high below close', { high: 103 }, 'high 103 < max(open, close) 104'],
    ['low above open', { low: 100.5 }, 'low 100.5 > min(open, close) 100'],
  ] as const)('rejects %s', (_name, patch, message) => {
    expect(candleProblem({ ...good, ...patch })).toContain(message);
  });

  it('checks alignment to the timeframe grid', () => {
    expect(candleProblem(good, '1m')).toBeNull();
    expect(candleProblem({ ...good, time: good.time + 1 }, '1m')).toBe(
      `time ${good.time + 1} is not aligned to the 1m grid`,
    );
    expect(candleProblem({ ...good, time: Date.UTC(2024, 0, 1, 0, 3) }, '5m')).toContain('not aligned to the 5m grid');
    expect(candleProblem({ ...good, time: Date.UTC(2024, 0, 1, 0, 5) }, '5m')).toBeNull();
  });
});

describe('seriesOrderProblem', () => {
  it('flags duplicates and unsorted times', () => {
    expect(seriesOrderProblem(1000, 2000)).toBeNull();
    expect(seriesOrderProblem(2000, 2000)).toBe('duplicate time 2000');
    expect(seriesOrderProblem(2000, 1000)).toContain('unsorted');
  });
});
