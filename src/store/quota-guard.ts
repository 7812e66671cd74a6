import type { DbSource } from './connection';
import { withDb } from './connection';
import type { CandlecastDb } from './db';

export interface EvictionReport {
  /** Epoch ms of the eviction. */
  at: number;
  /** One line for the status bar: what failed and what was evicted. */
  reason: string;
  /** Candles deleted by this eviction. */
  evicted: number;
  /** Open times of the oldest and newest evicted candle (null when nothing could be evicted). */
  oldestTime: number | null;
  newestTime: number | null;
}

export interface StoreStatus {
  evictions: number;
  evictedCandles: number;
  lastEviction: { at: number; reason: string } | null;
  quotaErrors: number;
}

export interface QuotaGuardOptions {
  onEviction?(report: EvictionReport): void;
  /** Candles evicted on the first QuotaExceededError of a write; doubles on each further one (default 1000). */
  evictionBatch?: number;
  now?: () => number;
}

/** True for the browser's out-of-storage errors (QuotaExceededError; Firefox's legacy name too). */
export function isQuotaExceeded(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { name?: unknown }).name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/**
 * Runs writes and, when the browser reports QuotaExceededError, deletes the oldest candles (across all series,
 * oldest open time first, in growing batches) and retries the write, which is atomic, so nothing of it is lost
 * or half-written. Every eviction is counted in status() and reported through onEviction.
 */
export class QuotaGuard {
  private evictions = 0;
  private evictedCandles = 0;
  private quotaErrors = 0;
  private lastEviction: { at: number; reason: string } | null = null;
  private readonly batch: number;
  private readonly now: () => number;
  /** The eviction under way: concurrent writes that hit the quota wait for it instead of evicting again. */
  private evicting: Promise<EvictionReport> | null = null;

  constructor(
    private readonly source: DbSource,
    private readonly options: QuotaGuardOptions = {},
  ) {
    this.batch = Math.max(1, Math.floor(options.evictionBatch ?? 1000));
    this.now = options.now ?? Date.now;
  }

  status(): StoreStatus {
    return {
      evictions: this.evictions,
      evictedCandles: this.evictedCandles,
      lastEviction: this.lastEviction ? { ...this.lastEviction } : null,
      quotaErrors: this.quotaErrors,
    };
  }

  /** Runs `write` (one transaction), evicting old candles and retrying while it fails for lack of space. */
  async run<T>(what: string, write: () => Promise<T>): Promise<T> {
    let batch = this.batch;
    for (;;) {
      try {
        return await write();
      } catch (err) {
        if (!isQuotaExceeded(err)) throw err;
        this.quotaErrors++;
        if (this.evicting) {
          await this.evicting.catch(() => undefined);
          continue;
        }
        this.evicting = this.evictOldest(batch, what);
        const report = await this.evicting.finally(() => (this.evicting = null));
        if (report.evicted === 0) {
          throw new Error(`storage quota exceeded while ${what} and no cached candles are left to evict`, {
            cause: err,
          });
        }
        batch *= 2;
      }
    }
  }

  private async evictOldest(count: number, what: string): Promise<EvictionReport> {
    const { evicted, oldestTime, newestTime } = await withDb(this.source, (db) => deleteOldestCandles(db, count));
    const at = this.now();
    const span = evicted > 0 ? ` (${iso(oldestTime!)} .. ${iso(newestTime!)})` : '';
    const reason = `storage quota exceeded while ${what}: evicted the ${evicted} oldest cached candles${span}`;
    const report: EvictionReport = { at, reason, evicted, oldestTime, newestTime };
    if (evicted > 0) {
      this.evictions++;
      this.evictedCandles += evicted;
      this.lastEviction = { at, reason };
      this.options.onEviction?.(report);
    }
    return report;
  }
}

async function deleteOldestCandles(
  db: CandlecastDb,
  count: number,
): Promise<{ evicted: number; oldestTime: number | null; newestTime: number | null }> {
  const tx = db.transaction('candles', 'readwrite');
  let evicted = 0;
  let oldestTime: number | null = null;
  let newestTime: number | null = null;
  let cursor = await tx.store.index('by-time').openKeyCursor();
  while (cursor && evicted < count) {
    const time = cursor.key;
    oldestTime ??= time;
    newestTime = time;
    tx.store.delete(cursor.primaryKey).catch(ignore);
    evicted++;
    cursor = await cursor.continue();
  }
  await tx.done;
  return { evicted, oldestTime, newestTime };
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** Request promises inside a transaction whose failure surfaces through `tx.done`. */
export function ignore(): void {}
