import { describe, expect, it } from 'vitest';
import type { Insight } from '../../../src/core/insights/types';
import type { StreamUpdate } from '../../../workers/engine-api';
import {
  applyUpdate,
  emptyRow,
  initialWatch,
  parseWatchList,
  saveWatch,
  toggleWatch,
  WATCH_KEY,
  WATCH_LIMIT,
} from '../../../src/ui/watchlist';

const update = (close: number, insight: Partial<Insight> | null): StreamUpdate => ({
  key: { exchange: 'simulated', symbol: 'ETHUSDT', timeframe: '1m' },
  earlier: [],
  candle: { time: 0, open: 100, high: 110, low: 90, close, volume: 1 },
  closed: false,
  closedCount: 0,
  epoch: 0,
  source: 'simulated',
  insight: insight as Insight | null,
});

describe('watchlist', () => {
  it('takes price, candle move, confidence and the most confident signal from updates', () => {
    const signals = [
      { type: 'BUY' as const, source: 'a', reason: 'r', confidence: 0.55 },
      { type: 'SELL' as const, source: 'b', reason: 'r', confidence: 0.6 },
    ];
    const row = applyUpdate(emptyRow('ETHUSDT'), update(105, { confidence: 0.57, signals }));
    expect(row).toEqual({
      symbol: 'ETHUSDT',
      price: 105,
      candleMove: 105 / 100 - 1,
      confidence: 0.57,
      signal: 'SELL',
      // A simulated stream's row says so.
      source: 'simulated',
    });
    const next = applyUpdate(row, update(99, null));
    expect(next).toEqual({ ...row, price: 99, candleMove: 99 / 100 - 1 });
    expect(applyUpdate(row, update(99, { confidence: null, signals: [] })).signal).toBeNull();
  });
  it('parses the watch parameter', () => {
    expect(parseWatchList('ethusdt, SOL/USDT,ETHUSDT,,')).toEqual(['ETHUSDT', 'SOLUSDT']);
    expect(parseWatchList(null)).toEqual([]);
    expect(parseWatchList(Array.from({ length: 20 }, (_, i) => `S${i}USDT`).join(','))).toHaveLength(WATCH_LIMIT);
  });
});

describe('watchlist persistence', () => {
  const memory = (init: Record<string, string> = {}) => {
    const items = new Map(Object.entries(init));
    return {
      items,
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
    };
  };

  it('opens with the URL’s list, else the saved one', () => {
    const saved = memory({ [WATCH_KEY]: 'ETHUSDT,SOLUSDT' });
    expect(initialWatch(new URL('http://x/?watch=btcusdt,ethusdt'), saved)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(initialWatch(new URL('http://x/'), saved)).toEqual(['ETHUSDT', 'SOLUSDT']);
    expect(initialWatch(new URL('http://x/'), memory())).toEqual([]);
  });

  it('toggles a symbol, never past the limit', () => {
    expect(toggleWatch(['A1X'], 'B2Y')).toEqual(['A1X', 'B2Y']);
    expect(toggleWatch(['A1X', 'B2Y'], 'A1X')).toEqual(['B2Y']);
    const full = Array.from({ length: WATCH_LIMIT }, (_, i) => `SYM${i}`);
    expect(toggleWatch(full, 'NEW1')).toEqual(full);
  });

  it('saves the list and writes it into the URL (removed when empty), other parameters kept', () => {
    const s = memory();
    const url = saveWatch(['ETHUSDT', 'SOLUSDT'], s, new URL('http://x/?symbol=BTCUSDT'));
    expect(url.searchParams.get('watch')).toBe('ETHUSDT,SOLUSDT');
    expect(url.searchParams.get('symbol')).toBe('BTCUSDT');
    expect(s.items.get(WATCH_KEY)).toBe('ETHUSDT,SOLUSDT');
    const empty = saveWatch([], s, url);
    expect(empty.searchParams.has('watch')).toBe(false);
    expect(s.items.get(WATCH_KEY)).toBe('');
  });
});
