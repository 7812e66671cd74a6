import { beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import { CandleStore } from '../../../src/store/candle-store';
import { openCandlecastDb, type CandlecastDb } from '../../../src/store/db';
import { syntheticCandles } from './candles';
import { freshIdbFactory } from '../../helpers/fake-idb';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const BTC: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const ETH: SeriesKey = { exchange: 'binance', symbol: 'ETHUSDT', timeframe: '1m' };
const BTC_5M: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '5m' };

describe('CandleStore', () => {
  let db: CandlecastDb;
  let store: CandleStore;

  beforeEach(async () => {
    db = await openCandlecastDb('candles-test', freshIdbFactory());
    store = new CandleStore(db);
  });

  it('upserts idempotently: the same candles twice leave the same rows', async () => {
    const candles = syntheticCandles(50, T0);
    expect((await store.upsert(BTC, candles)).stored).toBe(50);
    expect((await store.upsert(BTC, candles)).stored).toBe(50);
    expect(await store.count(BTC)).toBe(50);
    expect(await store.range(BTC)).toEqual(candles);
  });

  it('overwrites a candle with the same key (the still-open candle updated, then closed)', async () => {
    const [first] = syntheticCandles(1, T0);
    await store.upsert(BTC, [first!]);
    const updated = { ...first!, close: first!.close + 0.1, high: first!.high + 0.1, volume: 99 };
    await store.upsert(BTC, [updated]);
    expect(await store.range(BTC)).toEqual([updated]);
  });

  it('keeps series apart and reads ranges inclusive, ascending, with a limit', async () => {
    const btc = syntheticCandles(30, T0, MIN, 100);
    const eth = syntheticCandles(30, T0, MIN, 2000);
    const btc5 = syntheticCandles(10, T0, 5 * MIN, 300);
    // Written in reverse order: reads must come back sorted by time all the same.
    await store.upsert(BTC, btc.slice().reverse());
    await store.upsert(ETH, eth);
    await store.upsert(BTC_5M, btc5);
    expect(await store.count()).toBe(70);
    expect(await store.range(BTC)).toEqual(btc);
    expect(await store.range(ETH, T0 + 10 * MIN, T0 + 14 * MIN)).toEqual(eth.slice(10, 15));
    expect(await store.range(BTC, T0 + 5 * MIN, undefined, 3)).toEqual(btc.slice(5, 8));
    expect(await store.range(BTC, T0 + 5 * MIN, T0 + 4 * MIN)).toEqual([]);
    expect(await store.range(BTC_5M)).toEqual(btc5);
    expect(await store.latest(ETH, 4)).toEqual(eth.slice(26));
    expect(await store.latest(ETH, 100)).toEqual(eth);
    expect(await store.lastTime(BTC)).toBe(T0 + 29 * MIN);
    expect(await store.lastTime({ ...BTC, symbol: 'SOLUSDT' })).toBeNull();
  });

  it('lists series with counts and first/last times', async () => {
    await store.upsert(ETH, syntheticCandles(3, T0 + 10 * MIN));
    await store.upsert(BTC, syntheticCandles(5, T0));
    await store.upsert(BTC_5M, syntheticCandles(2, T0, 5 * MIN));
    await store.upsert({ exchange: 'import', symbol: 'BTCUSDT', timeframe: '1m' }, syntheticCandles(1, T0));
    expect(await store.series()).toEqual([
      { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m', count: 5, first: T0, last: T0 + 4 * MIN },
      { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '5m', count: 2, first: T0, last: T0 + 5 * MIN },
      { exchange: 'binance', symbol: 'ETHUSDT', timeframe: '1m', count: 3, first: T0 + 10 * MIN, last: T0 + 12 * MIN },
      { exchange: 'import', symbol: 'BTCUSDT', timeframe: '1m', count: 1, first: T0, last: T0 },
    ]);
  });

  it('rejects invalid candles with a message naming them and stores the valid ones', async () => {
    const candles = syntheticCandles(6, T0);
    const bad = [
      { ...candles[1]!, high: candles[1]!.low - 1 },
      { ...candles[3]!, close: Number.NaN },
      { ...candles[4]!, time: candles[4]!.time + 1 }, // off the 1m grid
    ];
    const input = [candles[0]!, bad[0]!, candles[2]!, bad[1]!, bad[2]!, candles[5]!];
    const result = await store.upsert(BTC, input);
    expect(result.stored).toBe(3);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(result.rejected[0]!.problem).toMatch(/^high .* < low/);
    expect(result.rejected[1]!.problem).toBe('close is not a finite number (NaN)');
    expect(result.rejected[2]!.problem).toMatch(/not aligned to the 1m grid/);
    expect(result.error).toMatch(/^binance BTCUSDT 1m: rejected 3 of 6 candles: #1 \(time \d+\): high/);
    expect(await store.range(BTC)).toEqual([candles[0], candles[2], candles[5]]);
    expect((await store.upsert(BTC, candles)).error).toBeNull();
  });

  it('throws on a bad series key before writing anything', async () => {
    await expect(store.upsert({ ...BTC, symbol: '' }, syntheticCandles(1, T0))).rejects.toThrow('symbol is empty');
    await expect(store.upsert({ ...BTC, timeframe: '7m' as '1m' }, [])).rejects.toThrow('unknown timeframe "7m"');
    expect(await store.count()).toBe(0);
  });

  it('deletes a time range of one series', async () => {
    const candles = syntheticCandles(10, T0);
    await store.upsert(BTC, candles);
    await store.upsert(ETH, candles);
    expect(await store.delete(BTC, T0, T0 + 3 * MIN)).toBe(4);
    expect(await store.range(BTC)).toEqual(candles.slice(4));
    expect(await store.count(ETH)).toBe(10);
  });
});

describe('two tabs writing the same series', () => {
  it('never duplicate or lose candles when their writes interleave', async () => {
    const factory = freshIdbFactory();
    const tabA = new CandleStore(await openCandlecastDb('shared', factory));
    const tabB = new CandleStore(await openCandlecastDb('shared', factory));
    const all = syntheticCandles(400, T0);
    // Each tab streams overlapping windows (and rewrites the open candle), interleaved without awaiting.
    const writes: Promise<unknown>[] = [];
    for (let start = 0; start < 400; start += 25) {
      writes.push(tabA.upsert(BTC, all.slice(start, start + 40)));
      writes.push(tabB.upsert(BTC, all.slice(Math.max(0, start - 15), start + 30).reverse()));
      writes.push(tabB.upsert(BTC, [all[start]!]));
    }
    await Promise.all(writes);
    const fromA = await tabA.range(BTC);
    expect(fromA).toEqual(all);
    expect(await tabB.range(BTC)).toEqual(all);
    expect(new Set(fromA.map((c) => c.time)).size).toBe(400);
    expect(await tabB.count()).toBe(400);
  });
});
