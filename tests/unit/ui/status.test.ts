import { describe, expect, it } from 'vitest';
import type { FeedInfo, StreamStatus } from '../../../workers/engine-api';
import type { FeedState } from '../../../src/feeds/live-feed';
import { guessFromFileName, sniffTimeframe } from '../../../src/ui/import-name';
import { detectTimeframe } from '../../../src/core/candles/detect-timeframe';
import { statusMode } from '../../../src/ui/status';

const feed = (source: FeedInfo['source'], status: StreamStatus): FeedInfo => ({
  exchange: 'binance',
  symbol: 'BTCUSDT',
  timeframe: '1m',
  source,
  status,
  candles: 10,
  lastMessageAt: 0,
  reconnects: 0,
  malformed: 0,
  detail: null,
});
const exchange = (state: FeedState): StreamStatus => ({ kind: 'exchange', feed: state });

describe('statusMode', () => {
  it('replay wins, then the stream status, with the browser’s online state', () => {
    expect(statusMode(feed('live', exchange('live')), true, true)).toBe('replay');
    expect(statusMode(feed('live', exchange('live')), false, true)).toBe('live');
    expect(statusMode(feed('live', exchange('reconnecting')), false, true)).toBe('reconnecting');
    expect(statusMode(feed('live', exchange('backfilling')), false, true)).toBe('reconnecting');
    expect(statusMode(feed('live', exchange('live')), false, false)).toBe('offline');
    // Cached candles while the exchange does not answer; offline says so, not "cached".
    expect(statusMode(feed('cache', exchange('connecting')), false, true)).toBe('cache');
    expect(statusMode(feed('cache', exchange('reconnecting')), false, false)).toBe('offline');
    expect(statusMode(feed('simulated', { kind: 'simulated' }), false, false)).toBe('simulated');
    expect(statusMode(feed('cache', { kind: 'stored' }), false, true)).toBe('cache');
    expect(statusMode(feed('cache', { kind: 'stored' }), false, false)).toBe('offline');
    expect(statusMode(feed('replay', { kind: 'replay', replay: 'playing' }), false, true)).toBe('replay');
    expect(statusMode(feed('live', { kind: 'starting' }), false, true)).toBe('connecting');
    expect(statusMode(feed('live', { kind: 'stopped' }), false, true)).toBe('offline');
    expect(statusMode(null, false, true)).toBe('connecting');
    expect(statusMode(null, false, false)).toBe('offline');
  });
});

describe('guessFromFileName', () => {
  it('reads symbol and timeframe from common file names', () => {
    expect(guessFromFileName('BTCUSDT-1m-2024-01.csv')).toEqual({ exchange: null, symbol: 'BTCUSDT', timeframe: '1m' });
    expect(guessFromFileName('ethusdt_5m.csv')).toEqual({ exchange: null, symbol: 'ETHUSDT', timeframe: '5m' });
    expect(guessFromFileName('data.csv')).toEqual({ exchange: null, symbol: null, timeframe: null });
  });

  it('reads {exchange}_{SYMBOL}_{interval}_… names by position, the venue kept as provenance', () => {
    expect(guessFromFileName('kraken_ETHUSD_1h_2023-01_2024-01.csv')).toEqual({
      exchange: 'kraken',
      symbol: 'ETHUSD',
      timeframe: '1h',
    });
    expect(guessFromFileName('mt5_EURUSD_1m_2018-05_2018-06.csv')).toEqual({
      exchange: 'mt5',
      symbol: 'EURUSD',
      timeframe: '1m',
    });
    expect(guessFromFileName('okxperp_BTCUSDT_5m_2022-05_2022-12.csv').symbol).toBe('BTCUSDT');
  });
});

describe('sniffTimeframe and detectTimeframe', () => {
  const csv = (stepMs: number, n: number) =>
    ['time,open,high,low,close,volume']
      .concat(
        Array.from(
          { length: n },
          (_, i) => `${1700000000000 - (1700000000000 % 3_600_000) + i * stepMs},1,2,0.5,1.5,3`,
        ),
      )
      .join('\n');

  it('reads the timeframe from the timestamps, whatever the file name says', () => {
    expect(sniffTimeframe(csv(3_600_000, 50), 'x.csv')).toBe('1h');
    expect(sniffTimeframe(csv(60_000, 50), 'x.csv')).toBe('1m');
    expect(sniffTimeframe('not a csv', 'x.csv')).toBeNull();
  });

  it('takes the most common step, so gaps do not change it; an unknown step is null', () => {
    const hour = 3_600_000;
    expect(detectTimeframe([0, hour, 2 * hour, 5 * hour, 6 * hour])).toBe('1h');
    expect(detectTimeframe([0, 7_000, 14_000])).toBeNull();
    expect(detectTimeframe([0])).toBeNull();
  });
});
