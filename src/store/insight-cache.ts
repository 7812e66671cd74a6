import { withDb, type DbSource } from './connection';
import { ignore } from './quota-guard';
import { checkSeriesKey, type SeriesKey, type SeriesTime } from '../core/candles/series-key';
import { seriesTuple, type CandleKey, type InsightCacheRecord } from './schema';

export const INSIGHT_TTL_MS = 30_000;

/**
 * Computed insights by (exchange, symbol, timeframe, candle time), valid for `ttlMs` after they were stored
 * (SPEC §2). When a candle closes, its entry is stale whatever its age: call invalidate (or invalidateSeries).
 */
export class InsightCache<T = unknown> {
  constructor(
    private readonly source: DbSource,
    private readonly ttlMs = INSIGHT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, or undefined when absent or older than the TTL. */
  async get(key: SeriesTime): Promise<T | undefined> {
    const id = cacheKey(key);
    return withDb(this.source, async (db) => {
      const record = (await db.get('insights', id)) as InsightCacheRecord<T> | undefined;
      if (!record || this.expired(record)) return undefined;
      return record.value;
    });
  }

  /** Stores `value` for the key, replacing any older entry, and drops expired entries of the same series. */
  async put(key: SeriesTime, value: T): Promise<void> {
    const id = cacheKey(key);
    const record: InsightCacheRecord<T> = { ...key, storedAt: this.now(), value };
    return withDb(this.source, async (db) => {
      const tx = db.transaction('insights', 'readwrite');
      tx.store.put(record).catch(ignore);
      let cursor = await tx.store.index('by-series').openCursor(seriesTuple(key));
      while (cursor) {
        if (this.expired(cursor.value) && cursor.value.time !== id[3]) cursor.delete().catch(ignore);
        cursor = await cursor.continue();
      }
      await tx.done;
    });
  }

  /** Drops the entry of one candle (its candle closed, so the insight computed on the open candle is stale). */
  async invalidate(key: SeriesTime): Promise<void> {
    const id = cacheKey(key);
    return withDb(this.source, (db) => db.delete('insights', id));
  }

  /** Drops every entry of the series; returns how many there were. */
  async invalidateSeries(key: SeriesKey): Promise<number> {
    checkSeriesKey(key);
    return withDb(this.source, async (db) => {
      const tx = db.transaction('insights', 'readwrite');
      let n = 0;
      let cursor = await tx.store.index('by-series').openCursor(seriesTuple(key));
      while (cursor) {
        cursor.delete().catch(ignore);
        n++;
        cursor = await cursor.continue();
      }
      await tx.done;
      return n;
    });
  }

  /** Deletes every expired entry; returns how many. */
  async prune(): Promise<number> {
    return withDb(this.source, async (db) => {
      const tx = db.transaction('insights', 'readwrite');
      let n = 0;
      let cursor = await tx.store.openCursor();
      while (cursor) {
        if (this.expired(cursor.value)) {
          cursor.delete().catch(ignore);
          n++;
        }
        cursor = await cursor.continue();
      }
      await tx.done;
      return n;
    });
  }

  private expired(record: InsightCacheRecord<unknown>): boolean {
    return this.now() - record.storedAt >= this.ttlMs;
  }
}

function cacheKey(key: SeriesTime): CandleKey {
  checkSeriesKey(key);
  if (!Number.isFinite(key.time)) throw new Error(`insight cache key: time ${String(key.time)} is not finite`);
  return [key.exchange, key.symbol, key.timeframe, key.time];
}
