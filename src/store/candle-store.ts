import type { Candle } from '../core/candles/candle';
import { candleProblem } from '../core/candles/validate';
import { withDb, type DbSource } from './connection';
import type { CandlecastDb } from './db';
import { ignore, isQuotaExceeded, QuotaGuard, type EvictionReport, type StoreStatus } from './quota-guard';
import type { CandleKey, StoredCandleRecord } from './schema';
import { checkSeriesKey, describeSeries, type SeriesKey } from '../core/candles/series-key';

export type { EvictionReport, StoreStatus } from './quota-guard';

export interface RejectedCandle {
  /** Position in the array given to upsert. */
  index: number;
  time: number;
  problem: string;
}

export interface UpsertResult {
  /** Candles written (new or overwritten). */
  stored: number;
  rejected: RejectedCandle[];
  /** One line naming the series and the first rejected candles, or null when all were stored. */
  error: string | null;
}

export interface SeriesSummary extends SeriesKey {
  count: number;
  first: number;
  last: number;
}

export interface CandleStoreOptions {
  onEviction?(report: EvictionReport): void;
  /** Shares eviction status with other stores; by default the store makes its own. */
  guard?: QuotaGuard;
  evictionBatch?: number;
}

const SHOWN_PROBLEMS = 3;

/**
 * Candles keyed by (exchange, symbol, timeframe, time). Writes are put()s of whole rows under that compound
 * key, so repeating a write, or two tabs writing overlapping candles, overwrites and never duplicates.
 */
export class CandleStore {
  private readonly guard: QuotaGuard;

  constructor(
    private readonly source: DbSource,
    options: CandleStoreOptions = {},
  ) {
    this.guard =
      options.guard ??
      new QuotaGuard(source, {
        ...(options.onEviction ? { onEviction: options.onEviction } : {}),
        ...(options.evictionBatch !== undefined ? { evictionBatch: options.evictionBatch } : {}),
      });
  }

  /**
   * Validates each candle (finite, positive prices, OHLC consistent, time on the timeframe's grid), writes the
   * valid ones in one transaction and reports the others. A candle repeated within `candles` keeps its last value.
   */
  async upsert(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult> {
    checkSeriesKey(key);
    const rows: StoredCandleRecord[] = [];
    const rejected: RejectedCandle[] = [];
    candles.forEach((c, index) => {
      const problem = candleProblem(c, key.timeframe);
      if (problem) rejected.push({ index, time: c.time, problem });
      else rows.push(toRecord(key, c));
    });
    if (rows.length > 0) {
      const what = `storing ${rows.length} candles of ${describeSeries(key)}`;
      await this.guard.run(what, () => withDb(this.source, (db) => putAll(db, rows)));
    }
    return { stored: rows.length, rejected, error: rejectionMessage(key, candles.length, rejected) };
  }

  /** Candles of the series with from <= time <= to, ascending, at most `limit` (the earliest ones). */
  async range(key: SeriesKey, from = -Infinity, to = Infinity, limit?: number): Promise<Candle[]> {
    checkSeriesKey(key);
    if (from > to) return [];
    return withDb(this.source, async (db) => {
      const rows = await db.getAll('candles', bounds(key, from, to), limit);
      return rows.map(toCandle);
    });
  }

  /** The last `n` candles of the series, ascending. */
  async latest(key: SeriesKey, n: number): Promise<Candle[]> {
    checkSeriesKey(key);
    if (n <= 0) return [];
    return withDb(this.source, async (db) => {
      const out: Candle[] = [];
      let cursor = await db.transaction('candles').store.openCursor(bounds(key, -Infinity, Infinity), 'prev');
      while (cursor && out.length < n) {
        out.push(toCandle(cursor.value));
        cursor = await cursor.continue();
      }
      return out.reverse();
    });
  }

  /** Open time of the series' newest candle, or null when none is stored. */
  async lastTime(key: SeriesKey): Promise<number | null> {
    checkSeriesKey(key);
    return withDb(this.source, async (db) => {
      const cursor = await db.transaction('candles').store.openKeyCursor(bounds(key, -Infinity, Infinity), 'prev');
      return cursor ? cursor.key[3] : null;
    });
  }

  /** Candles stored for the series, or in total without a key. */
  async count(key?: SeriesKey): Promise<number> {
    if (key) checkSeriesKey(key);
    return withDb(this.source, (db) => db.count('candles', key ? bounds(key, -Infinity, Infinity) : undefined));
  }

  /** Every stored series with its candle count and first/last open time, in key order. */
  async series(): Promise<SeriesSummary[]> {
    return withDb(this.source, async (db) => {
      const store = db.transaction('candles').store;
      const out: SeriesSummary[] = [];
      let after: IDBKeyRange | undefined;
      for (;;) {
        const first = await store.openKeyCursor(after);
        if (!first) return out;
        const [exchange, symbol, timeframe, firstTime] = first.key;
        const key = { exchange, symbol, timeframe } as SeriesKey;
        const all = bounds(key, -Infinity, Infinity);
        const [count, last] = await Promise.all([store.count(all), store.openKeyCursor(all, 'prev')]);
        out.push({ ...key, count, first: firstTime, last: last ? last.key[3] : firstTime });
        after = IDBKeyRange.lowerBound([exchange, symbol, timeframe, Infinity], true);
      }
    });
  }

  /** Deletes the series' candles with from <= time <= to; returns how many there were. */
  async delete(key: SeriesKey, from = -Infinity, to = Infinity): Promise<number> {
    checkSeriesKey(key);
    return withDb(this.source, async (db) => {
      const tx = db.transaction('candles', 'readwrite');
      const range = bounds(key, from, to);
      const n = await tx.store.count(range);
      tx.store.delete(range).catch(ignore);
      await tx.done;
      return n;
    });
  }

  status(): StoreStatus {
    return this.guard.status();
  }
}

async function putAll(db: CandlecastDb, rows: readonly StoredCandleRecord[]): Promise<void> {
  const tx = db.transaction('candles', 'readwrite');
  let requestError: unknown = null;
  const noteError = (err: unknown) => void (requestError ??= err);
  try {
    for (const row of rows) tx.store.put(row).catch(noteError);
  } catch (err) {
    // put() itself threw (the transaction is still active): undo the rows already queued.
    tx.abort();
    await tx.done.catch(ignore);
    throw err;
  }
  try {
    await tx.done;
  } catch (err) {
    // A failed request aborts the transaction; idb then rejects with a bare AbortError, so surface the cause.
    throw [tx.error, requestError, err].find(isQuotaExceeded) ?? requestError ?? err;
  }
}

function bounds(key: SeriesKey, from: number, to: number): IDBKeyRange {
  const lower: CandleKey = [key.exchange, key.symbol, key.timeframe, from];
  const upper: CandleKey = [key.exchange, key.symbol, key.timeframe, to];
  return IDBKeyRange.bound(lower, upper);
}

function toRecord(key: SeriesKey, c: Candle): StoredCandleRecord {
  return {
    exchange: key.exchange,
    symbol: key.symbol,
    timeframe: key.timeframe,
    time: c.time,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
  };
}

function toCandle(r: StoredCandleRecord): Candle {
  return { time: r.time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume };
}

function rejectionMessage(key: SeriesKey, total: number, rejected: readonly RejectedCandle[]): string | null {
  if (rejected.length === 0) return null;
  const shown = rejected
    .slice(0, SHOWN_PROBLEMS)
    .map((r) => `#${r.index} (time ${r.time}): ${r.problem}`)
    .join('; ');
  const more = rejected.length > SHOWN_PROBLEMS ? `; and ${rejected.length - SHOWN_PROBLEMS} more` : '';
  return `${describeSeries(key)}: rejected ${rejected.length} of ${total} candles: ${shown}${more}`;
}
