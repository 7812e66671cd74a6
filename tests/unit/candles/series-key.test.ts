import { describe, expect, it } from 'vitest';
import {
  checkSeriesKey,
  describeSeries,
  normalizeSeriesKey,
  sameSeries,
  seriesId,
  seriesKeyOf,
  type SeriesKey,
} from '../../../src/core/candles/series-key';

describe('SeriesKey', () => {
  const raw: SeriesKey = { exchange: ' Binance', symbol: 'btcusdt ', timeframe: '1m' };

  it('normalises exchange to lower case and symbol to upper case, and names the series by one id', () => {
    expect(normalizeSeriesKey(raw)).toEqual({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' });
    expect(seriesId(raw)).toBe('binance:BTCUSDT:1m');
    expect(seriesId({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: '5m' })).not.toBe(seriesId(raw));
  });

  it('compares keys field by field and describes them in one line', () => {
    const k = normalizeSeriesKey(raw);
    expect(sameSeries(k, { ...k })).toBe(true);
    expect(sameSeries(k, { ...k, timeframe: '1h' })).toBe(false);
    expect(describeSeries(k)).toBe('binance BTCUSDT 1m');
  });

  it('rejects keys that cannot address a series with one clear line', () => {
    expect(() => checkSeriesKey({ ...raw, exchange: '' })).toThrow('series key: exchange is empty');
    expect(() => checkSeriesKey({ ...raw, symbol: '' })).toThrow('series key: symbol is empty');
    expect(() => checkSeriesKey({ ...raw, timeframe: '7m' as SeriesKey['timeframe'] })).toThrow(
      'series key: unknown timeframe "7m"',
    );
    expect(() => checkSeriesKey(raw)).not.toThrow();
  });

  it('builds the normalised key from loose parts, refusing an unknown timeframe', () => {
    expect(seriesKeyOf(' Binance', 'btcusdt', '5m')).toEqual({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '5m',
    });
    expect(seriesId(seriesKeyOf('BYBIT', 'ethusdt', '1h'))).toBe('bybit:ETHUSDT:1h');
    expect(() => seriesKeyOf('binance', 'BTCUSDT', '7m')).toThrow('unknown timeframe "7m"');
  });
});
