import { beforeEach, describe, expect, it } from 'vitest';
import { openCandlecastDb, type CandlecastDb } from '../../../src/store/db';
import { InsightCache, INSIGHT_TTL_MS } from '../../../src/store/insight-cache';
import type { SeriesTime } from '../../../src/core/candles/series-key';
import { freshIdbFactory } from '../../helpers/fake-idb';

const T0 = Date.UTC(2024, 0, 1);
const KEY: SeriesTime = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m', time: T0 };
const insight = (price: number) => ({ symbol: 'BTCUSDT', current_price: price, patterns: { count: 0 } });

describe('InsightCache', () => {
  let db: CandlecastDb;
  let clock: number;
  let cache: InsightCache<ReturnType<typeof insight>>;

  beforeEach(async () => {
    db = await openCandlecastDb('insights', freshIdbFactory());
    clock = 1_000_000;
    cache = new InsightCache(db, INSIGHT_TTL_MS, () => clock);
  });

  it('returns the value until the 30 s TTL has passed', async () => {
    expect(INSIGHT_TTL_MS).toBe(30_000);
    expect(await cache.get(KEY)).toBeUndefined();
    await cache.put(KEY, insight(43000));
    clock += 29_999;
    expect(await cache.get(KEY)).toEqual(insight(43000));
    clock += 1;
    expect(await cache.get(KEY)).toBeUndefined();
  });

  it('a newer put restarts the TTL and replaces the value', async () => {
    await cache.put(KEY, insight(1));
    clock += 20_000;
    await cache.put(KEY, insight(2));
    clock += 20_000;
    expect(await cache.get(KEY)).toEqual(insight(2));
  });

  it('keys by exchange, symbol, timeframe and candle time', async () => {
    await cache.put(KEY, insight(1));
    await cache.put({ ...KEY, time: T0 + 60_000 }, insight(2));
    await cache.put({ ...KEY, exchange: 'coinbase' }, insight(3));
    await cache.put({ ...KEY, timeframe: '5m' }, insight(4));
    expect(await cache.get(KEY)).toEqual(insight(1));
    expect(await cache.get({ ...KEY, time: T0 + 60_000 })).toEqual(insight(2));
    expect(await cache.get({ ...KEY, exchange: 'coinbase' })).toEqual(insight(3));
    expect(await cache.get({ ...KEY, timeframe: '5m' })).toEqual(insight(4));
    expect(await cache.get({ ...KEY, symbol: 'ETHUSDT' })).toBeUndefined();
  });

  it('a closed candle invalidates its entry, and a series can be dropped as a whole', async () => {
    await cache.put(KEY, insight(1));
    await cache.put({ ...KEY, time: T0 + 60_000 }, insight(2));
    await cache.put({ ...KEY, symbol: 'ETHUSDT' }, insight(3));
    await cache.invalidate(KEY);
    expect(await cache.get(KEY)).toBeUndefined();
    expect(await cache.get({ ...KEY, time: T0 + 60_000 })).toEqual(insight(2));
    expect(await cache.invalidateSeries(KEY)).toBe(1);
    expect(await cache.get({ ...KEY, time: T0 + 60_000 })).toBeUndefined();
    expect(await cache.get({ ...KEY, symbol: 'ETHUSDT' })).toEqual(insight(3));
  });

  it('drops expired rows on prune and on a put to the same series', async () => {
    await cache.put(KEY, insight(1));
    await cache.put({ ...KEY, symbol: 'ETHUSDT' }, insight(2));
    clock += 40_000;
    await cache.put({ ...KEY, time: T0 + 60_000 }, insight(3));
    expect(await db.count('insights')).toBe(2); // BTC's expired row went; ETH's waits for prune
    expect(await cache.prune()).toBe(1);
    expect(await db.count('insights')).toBe(1);
  });

  it('rejects a key it cannot store', async () => {
    await expect(cache.put({ ...KEY, time: Number.NaN }, insight(1))).rejects.toThrow('time NaN is not finite');
    await expect(cache.get({ ...KEY, exchange: '' })).rejects.toThrow('exchange is empty');
  });
});
