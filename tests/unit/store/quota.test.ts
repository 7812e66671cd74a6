import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import { unwrap } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CandleStore, type EvictionReport } from '../../../src/store/candle-store';
import { openCandlecastDb, type CandlecastDb } from '../../../src/store/db';
import { isQuotaExceeded } from '../../../src/store/quota-guard';
import { syntheticCandles } from './candles';
import { freshIdbFactory } from '../../helpers/fake-idb';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const A: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const B: SeriesKey = { exchange: 'binance', symbol: 'ETHUSDT', timeframe: '1m' };
const C: SeriesKey = { exchange: 'binance', symbol: 'SOLUSDT', timeframe: '1m' };

/** fake-indexeddb internals the quota double reads: the backing record set of an object store. */
interface RawStore {
  records: { size(): number };
  storeRecord(...args: unknown[]): unknown;
}
type FakeStore = IDBObjectStore & { _rawObjectStore: RawStore };

const quotaError = () => new DOMException('simulated: the origin is out of storage', 'QuotaExceededError');
const originalPut = FakeObjectStore.prototype.put;

/** put() throws QuotaExceededError synchronously while the candles store holds more than `limit` rows. */
function throwOnPutAbove(limit: number): void {
  FakeObjectStore.prototype.put = function (this: FakeStore, value: unknown, key?: IDBValidKey) {
    if (this.name === 'candles' && this._rawObjectStore.records.size() > limit) throw quotaError();
    return originalPut.call(this, value, key);
  } as typeof originalPut;
}

/**
 * Like a browser: the write request fails when it runs and the transaction aborts with QuotaExceededError
 * (rolling back the rows it had written) once the store already holds `limit` rows.
 */
function abortWritesAtOrAbove(db: CandlecastDb, limit: number): void {
  const fakeStore = (unwrap(db.transaction('candles').store) as FakeStore)._rawObjectStore;
  const original = fakeStore.storeRecord;
  fakeStore.storeRecord = function (this: RawStore, ...args: unknown[]) {
    if (this.records.size() >= limit) throw quotaError();
    return original.apply(this, args);
  };
}

async function seed(store: CandleStore): Promise<void> {
  await store.upsert(A, syntheticCandles(100, T0)); // minutes 0..99
  await store.upsert(B, syntheticCandles(50, T0 + 50 * MIN)); // minutes 50..99
}

const minutes = (candles: readonly { time: number }[]) => candles.map((c) => (c.time - T0) / MIN);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('QuotaExceededError', () => {
  let db: CandlecastDb;
  let reports: EvictionReport[];
  let store: CandleStore;

  beforeEach(async () => {
    db = await openCandlecastDb('quota', freshIdbFactory());
    reports = [];
    store = new CandleStore(db, { onEviction: (r) => reports.push(r), evictionBatch: 40 });
    await seed(store);
  });

  afterEach(() => {
    FakeObjectStore.prototype.put = originalPut;
  });

  it('recognises the browsers quota errors', () => {
    expect(isQuotaExceeded(quotaError())).toBe(true);
    expect(isQuotaExceeded(new DOMException('x', 'NS_ERROR_DOM_QUOTA_REACHED'))).toBe(true);
    expect(isQuotaExceeded(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaExceeded(new Error('QuotaExceededError'))).toBe(false);
  });

  it('evicts the oldest candles across all series first, then stores the new ones, and reports it', async () => {
    throwOnPutAbove(100);
    const fresh = syntheticCandles(20, T0 + 200 * MIN);
    const result = await store.upsert(C, fresh);
    expect(result.stored).toBe(20);
    expect(await store.range(C)).toEqual(fresh);
    // 150 rows > 100: evict 40 (110 left, still > 100), then 80 (30 left). Oldest times go first, both series.
    expect(reports.map((r) => r.evicted)).toEqual([40, 80]);
    expect(minutes(await store.range(A))).toEqual(range(85, 99));
    expect(minutes(await store.range(B))).toEqual(range(85, 99));
    expect(await store.count()).toBe(50);
    expect(reports[0]!.oldestTime).toBe(T0);
    expect(reports[0]!.newestTime).toBe(T0 + 39 * MIN);
    expect(reports[1]!.oldestTime).toBe(T0 + 40 * MIN);
    expect(reports[1]!.newestTime).toBe(T0 + 84 * MIN);
    const status = store.status();
    expect(status).toEqual({
      evictions: 2,
      evictedCandles: 120,
      quotaErrors: 2,
      lastEviction: { at: reports[1]!.at, reason: reports[1]!.reason },
    });
    expect(status.lastEviction!.reason).toBe(
      'storage quota exceeded while storing 20 candles of binance SOLUSDT 1m: evicted the 80 oldest cached candles ' +
        '(2024-01-01T00:40:00.000Z .. 2024-01-01T01:24:00.000Z)',
    );
  });

  it('concurrent writes that hit the quota share one eviction instead of each evicting', async () => {
    const shared = new CandleStore(db, { onEviction: (r) => reports.push(r), evictionBatch: 60 });
    throwOnPutAbove(100);
    const d: SeriesKey = { ...C, symbol: 'XRPUSDT' };
    const [c, x] = await Promise.all([
      shared.upsert(C, syntheticCandles(10, T0 + 200 * MIN)),
      shared.upsert(d, syntheticCandles(10, T0 + 200 * MIN)),
    ]);
    expect([c.stored, x.stored]).toEqual([10, 10]);
    // One eviction of 60 (150 -> 90 rows) was enough for both writes.
    expect(reports.map((r) => r.evicted)).toEqual([60]);
    expect(await shared.count()).toBe(110);
    expect(shared.status()).toMatchObject({ evictions: 1, evictedCandles: 60, quotaErrors: 2 });
  });

  it('rolls back a write that aborts midway, evicts more and retries: nothing of the new candles is lost', async () => {
    abortWritesAtOrAbove(db, 40);
    const fresh = syntheticCandles(20, T0 + 200 * MIN);
    await store.upsert(C, fresh);
    // 150 -> 110 -> 30 rows; writing 20 onto 30 fails at the 41st row and is rolled back; evicting 160 empties it.
    expect(reports.map((r) => r.evicted)).toEqual([40, 80, 30]);
    expect(await store.range(C)).toEqual(fresh);
    expect(await store.count()).toBe(20);
    expect(store.status().quotaErrors).toBe(3);
  });

  it('fails with a clear error and stores nothing when even an empty store cannot hold the write', async () => {
    await store.delete(A);
    await store.delete(B);
    throwOnPutAbove(-1);
    await expect(store.upsert(C, syntheticCandles(5, T0))).rejects.toThrow(
      'storage quota exceeded while storing 5 candles of binance SOLUSDT 1m and no cached candles are left to evict',
    );
    FakeObjectStore.prototype.put = originalPut;
    expect(await store.count()).toBe(0);
    expect(store.status()).toMatchObject({ evictions: 0, quotaErrors: 1, lastEviction: null });
  });

  it('leaves other errors alone', async () => {
    FakeObjectStore.prototype.put = function () {
      throw new DOMException('disk on fire', 'UnknownError');
    } as typeof originalPut;
    await expect(store.upsert(C, syntheticCandles(5, T0))).rejects.toThrow('disk on fire');
    expect(store.status().quotaErrors).toBe(0);
    FakeObjectStore.prototype.put = originalPut;
    expect(await store.count()).toBe(150);
  });
});
