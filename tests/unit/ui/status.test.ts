import { describe, expect, it } from 'vitest';
import type { FeedInfo } from '../../../workers/engine-api';
import { guessFromFileName } from '../../../src/ui/import-name';
import { statusMode } from '../../../src/ui/status';

const feed = (source: FeedInfo['source'], state: string): FeedInfo => ({
  exchange: 'binance',
  symbol: 'BTCUSDT',
  timeframe: '1m',
  source,
  state,
  candles: 10,
  lastMessageAt: 0,
  reconnects: 0,
  malformed: 0,
  detail: null,
});

describe('statusMode', () => {
  it('replay wins, then the source, then the feed state', () => {
    expect(statusMode(feed('live', 'live'), true, true)).toBe('replay');
    expect(statusMode(feed('live', 'live'), false, true)).toBe('live');
    expect(statusMode(feed('live', 'reconnecting'), false, true)).toBe('reconnecting');
    expect(statusMode(feed('live', 'backfilling'), false, true)).toBe('reconnecting');
    expect(statusMode(feed('live', 'live'), false, false)).toBe('offline');
    expect(statusMode(feed('simulated', 'simulated'), false, false)).toBe('simulated');
    expect(statusMode(feed('cache', 'stopped'), false, true)).toBe('cache');
    expect(statusMode(feed('cache', 'stopped'), false, false)).toBe('offline');
    expect(statusMode(feed('replay', 'playing'), false, true)).toBe('replay');
    expect(statusMode(null, false, true)).toBe('connecting');
    expect(statusMode(null, false, false)).toBe('offline');
  });
});

describe('guessFromFileName', () => {
  it('reads symbol and timeframe from common file names', () => {
    expect(guessFromFileName('BTCUSDT-1m-2024-01.csv')).toEqual({ symbol: 'BTCUSDT', timeframe: '1m' });
    expect(guessFromFileName('ethusdt_5m.csv')).toEqual({ symbol: 'ETHUSDT', timeframe: '5m' });
    expect(guessFromFileName('data.csv')).toEqual({ symbol: null, timeframe: null });
  });
});
