import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { CandlecastSchema } from './schema';

export type UpgradeTransaction = IDBPTransaction<CandlecastSchema, StoreNames<CandlecastSchema>[], 'versionchange'>;

/**
 * One schema step, run inside the versionchange transaction. A step may read and rewrite rows through `tx`
 * (return the promise of that work); any error aborts the whole upgrade, leaving the old version intact.
 */
export type Migration = (db: IDBPDatabase<CandlecastSchema>, tx: UpgradeTransaction) => void | Promise<void>;

const CANDLE_KEY_PATH = ['exchange', 'symbol', 'timeframe', 'time'];

/**
 * Ordered schema steps: MIGRATIONS[i] upgrades version i to version i + 1. Never edit a released step;
 * append a new one (and DB_VERSION follows).
 */
export const MIGRATIONS: readonly Migration[] = [
  // v0 -> v1: candles keyed by (exchange, symbol, timeframe, time); settings by name.
  (db) => {
    db.createObjectStore('candles', { keyPath: CANDLE_KEY_PATH });
    db.createObjectStore('settings', { keyPath: 'key' });
  },
  // v1 -> v2: time index for oldest-first eviction, insight cache, model files, prediction track record.
  (db, tx) => {
    tx.objectStore('candles').createIndex('by-time', 'time');
    const insights = db.createObjectStore('insights', { keyPath: CANDLE_KEY_PATH });
    insights.createIndex('by-series', ['exchange', 'symbol', 'timeframe']);
    db.createObjectStore('models', { keyPath: ['url', 'version'] });
    const predictions = db.createObjectStore('predictions', { keyPath: [...CANDLE_KEY_PATH, 'horizon'] });
    predictions.createIndex('by-pending', 'pendingDue');
  },
  // v2 -> v3: backtest results (per series, model version and costs), alert conditions and the alert log.
  (db) => {
    db.createObjectStore('backtests', { keyPath: 'id' });
    db.createObjectStore('alerts', { keyPath: 'id', autoIncrement: true });
    db.createObjectStore('alertLog', { keyPath: 'id', autoIncrement: true });
  },
];

export const DB_VERSION = MIGRATIONS.length;

/**
 * Runs `steps[oldVersion .. newVersion - 1]` in order inside the upgrade transaction; on the first failure
 * aborts `tx` (the database keeps its old version and rows) and rejects.
 */
export async function runMigrations(
  db: IDBPDatabase<CandlecastSchema>,
  tx: UpgradeTransaction,
  oldVersion: number,
  newVersion: number,
  steps: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  // The open request reports an aborted upgrade; keep the transaction's own promise from going unhandled.
  tx.done.catch(() => undefined);
  try {
    for (let v = oldVersion; v < newVersion; v++) {
      const step = steps[v];
      if (!step) throw new Error(`no migration from schema version ${v} to ${v + 1}`);
      const pending = step(db, tx);
      if (pending) await pending;
    }
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    throw err;
  }
}
