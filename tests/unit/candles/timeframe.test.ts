import { describe, expect, it } from 'vitest';
import {
  TIMEFRAMES,
  bucketStart,
  canResample,
  isAligned,
  parseTimeframe,
  timeframeMs,
} from '../../../src/core/candles/timeframe';

describe('timeframes', () => {
  it('lists the twelve supported timeframes with their durations', () => {
    expect(TIMEFRAMES).toEqual(['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w']);
    expect(TIMEFRAMES.map(timeframeMs)).toEqual([
      60e3, 180e3, 300e3, 900e3, 1800e3, 3600e3, 7200e3, 14400e3, 21600e3, 43200e3, 86400e3, 604800e3,
    ]);
  });

  it('parses names and rejects unknown ones with the list of valid ones', () => {
    expect(parseTimeframe('15m')).toBe('15m');
    expect(() => parseTimeframe('7m')).toThrow(/unknown timeframe "7m" \(expected one of 1m, 3m/);
  });

  it('aligns times to bucket starts, weeks on Monday 00:00 UTC like Binance', () => {
    const t = Date.UTC(2024, 2, 13, 17, 47, 31); // Wednesday
    expect(bucketStart(t, '1m')).toBe(Date.UTC(2024, 2, 13, 17, 47));
    expect(bucketStart(t, '15m')).toBe(Date.UTC(2024, 2, 13, 17, 45));
    expect(bucketStart(t, '4h')).toBe(Date.UTC(2024, 2, 13, 16));
    expect(bucketStart(t, '1d')).toBe(Date.UTC(2024, 2, 13));
    expect(bucketStart(t, '1w')).toBe(Date.UTC(2024, 2, 11)); // Monday
    expect(new Date(bucketStart(t, '1w')).getUTCDay()).toBe(1);
    expect(isAligned(Date.UTC(2024, 2, 11), '1w')).toBe(true);
    expect(isAligned(Date.UTC(2024, 2, 12), '1w')).toBe(false);
    expect(bucketStart(-1, '1m')).toBe(-60_000);
  });

  it('knows which resamplings are possible', () => {
    expect(canResample('1m', '5m')).toBe(true);
    expect(canResample('5m', '15m')).toBe(true);
    expect(canResample('3m', '5m')).toBe(false);
    expect(canResample('1h', '1h')).toBe(false);
    expect(canResample('1h', '5m')).toBe(false);
  });
});

describe('inferTimeframe', () => {
  it('names the most common spacing, ignoring gaps', async () => {
    const { inferTimeframe } = await import('../../../src/core/candles/timeframe');
    const m = 60_000;
    expect(inferTimeframe([0, 5 * m, 10 * m, 40 * m, 45 * m])).toBe('5m');
    expect(inferTimeframe([0, 7 * m, 14 * m])).toBeNull();
    expect(inferTimeframe([0])).toBeNull();
  });
});
