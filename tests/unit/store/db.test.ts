import { wrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { CandleStore } from '../../../src/store/candle-store';
import { CandlecastConnection, type ConnectionEvent } from '../../../src/store/connection';
import { DB_VERSION, DbOutdatedError, MIGRATIONS, openCandlecastDb, type CandlecastDb } from '../../../src/store/db';
import { runMigrations, type Migration, type UpgradeTransaction } from '../../../src/store/migrations';
import { syntheticCandles } from './candles';
import { freshIdbFactory } from '../../helpers/fake-idb';

const T0 = Date.UTC(2024, 0, 1);
const BTC = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;

/** A plain connection of another "tab", with no versionchange handler (it never releases the database). */
function rawOpen(factory: IDBFactory, name: string, version: number, onBlocked?: () => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    if (onBlocked) request.onblocked = onBlocked;
  });
}

/** Store names and their key paths and indexes, to compare schemas. */
function describeSchema(db: IDBDatabase): Record<string, unknown> {
  const tx = db.transaction(Array.from(db.objectStoreNames), 'readonly');
  const out: Record<string, unknown> = {};
  for (const name of Array.from(db.objectStoreNames)) {
    const store = tx.objectStore(name);
    const indexes = Array.from(store.indexNames).map((i) => [i, store.index(i).keyPath]);
    out[name] = { keyPath: store.keyPath, indexes };
  }
  return out;
}

/** Opens `name` at `version` without any migration code, as an older candlecast left it (v1 layout, frozen here). */
async function createV1Database(factory: IDBFactory, name: string): Promise<void> {
  const request = factory.open(name, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore('candles', { keyPath: ['exchange', 'symbol', 'timeframe', 'time'] });
    request.result.createObjectStore('settings', { keyPath: 'key' });
  };
  const db = await (wrap(request) as Promise<{ close(): void; put(s: string, v: unknown): Promise<unknown> }>);
  for (const c of syntheticCandles(120, T0)) await db.put('candles', { ...BTC, ...c });
  for (const c of syntheticCandles(30, T0 - 3_600_000, 60_000, 50)) {
    await db.put('candles', { exchange: 'bybit', symbol: 'ETHUSDT', timeframe: '1m', ...c });
  }
  await db.put('settings', { key: 'theme', value: 'dark' });
  await db.put('settings', { key: 'symbol', value: 'ETHUSDT' });
  db.close();
}

describe('schema and migrations', () => {
  it('has one migration per version', () => {
    expect(DB_VERSION).toBe(MIGRATIONS.length);
    expect(DB_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('creates every store and index on a fresh database', async () => {
    const db = await openCandlecastDb('fresh', freshIdbFactory());
    expect(db.version).toBe(DB_VERSION);
    expect(describeSchema(db as unknown as IDBDatabase)).toEqual({
      alertLog: { keyPath: 'id', indexes: [] },
      alerts: { keyPath: 'id', indexes: [] },
      backtests: { keyPath: 'id', indexes: [] },
      candles: { keyPath: ['exchange', 'symbol', 'timeframe', 'time'], indexes: [['by-time', 'time']] },
      insights: {
        keyPath: ['exchange', 'symbol', 'timeframe', 'time'],
        indexes: [['by-series', ['exchange', 'symbol', 'timeframe']]],
      },
      models: { keyPath: ['url', 'version'], indexes: [] },
      predictions: {
        keyPath: ['exchange', 'symbol', 'timeframe', 'time', 'horizon'],
        indexes: [['by-pending', 'pendingDue']],
      },
      settings: { keyPath: 'key', indexes: [] },
    });
    db.close();
  });

  it('upgrades a v1 database with data without losing rows, and the result matches a fresh schema', async () => {
    const factory = freshIdbFactory();
    await createV1Database(factory, 'old');
    const db = await openCandlecastDb('old', factory);
    expect(db.version).toBe(DB_VERSION);
    const store = new CandleStore(db);
    expect(await store.count()).toBe(150);
    expect(await store.range(BTC)).toEqual(syntheticCandles(120, T0));
    // The new time index covers the rows written before it existed: the oldest are bybit's.
    const oldest = await db.getAllFromIndex('candles', 'by-time', undefined, 2);
    expect(oldest.map((r) => [r.exchange, r.time])).toEqual([
      ['bybit', T0 - 3_600_000],
      ['bybit', T0 - 3_600_000 + 60_000],
    ]);
    // the v1 settings rows survive the upgrade
    expect((await db.get('settings', 'theme'))?.value).toBe('dark');
    expect((await db.get('settings', 'symbol'))?.value).toBe('ETHUSDT');
    const fresh = await openCandlecastDb('fresh', factory);
    expect(describeSchema(db as unknown as IDBDatabase)).toEqual(describeSchema(fresh as unknown as IDBDatabase));
    db.close();
    fresh.close();
  });

  it('opens an older version on request (the migration list is applied step by step)', async () => {
    const factory = freshIdbFactory();
    const v1 = await openCandlecastDb('stepwise', factory, { version: 1 });
    expect(Array.from(v1.objectStoreNames).sort()).toEqual(['candles', 'settings']);
    await new CandleStore(v1).upsert(BTC, syntheticCandles(5, T0));
    v1.close();
    const latest = await openCandlecastDb('stepwise', factory);
    expect(latest.objectStoreNames.contains('predictions')).toBe(true);
    expect(await new CandleStore(latest).count()).toBe(5);
    latest.close();
  });
});

describe('several tabs', () => {
  it('closes when another tab upgrades, so that tab is not blocked, and reports a newer schema', async () => {
    const factory = freshIdbFactory();
    const events: ConnectionEvent[] = [];
    const conn = new CandlecastConnection({ name: 'tabs', idbFactory: factory, onState: (e) => events.push(e) });
    const store = new CandleStore(conn);
    await store.upsert(BTC, syntheticCandles(3, T0));
    expect(conn.state()).toBe('open');

    let blocked = false;
    const newer = await rawOpen(factory, 'tabs', DB_VERSION + 1, () => (blocked = true));
    expect(blocked).toBe(false);
    expect(conn.state()).toBe('closed');
    expect(events.at(-1)?.detail).toMatch(`upgraded to schema ${DB_VERSION + 1}`);

    await expect(store.count()).rejects.toBeInstanceOf(DbOutdatedError);
    expect(conn.state()).toBe('outdated');
    expect(events.at(-1)?.detail).toMatch(/another tab runs a newer candlecast; reload this tab/);
    newer.close();
  }, 10_000);

  it('reopens after another tab deleted the database', async () => {
    const factory = freshIdbFactory();
    const conn = new CandlecastConnection({ name: 'tabs', idbFactory: factory });
    const store = new CandleStore(conn);
    await store.upsert(BTC, syntheticCandles(3, T0));
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase('tabs');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('delete blocked'));
    });
    expect(conn.state()).toBe('closed');
    expect(await store.count()).toBe(0);
    await store.upsert(BTC, syntheticCandles(2, T0));
    expect(await store.count()).toBe(2);
    expect(conn.state()).toBe('open');
    conn.close();
  });

  it('reconnects when the connection it handed out was closed under it', async () => {
    const conn = new CandlecastConnection({ name: 'closed', idbFactory: freshIdbFactory() });
    const store = new CandleStore(conn);
    await store.upsert(BTC, syntheticCandles(4, T0));
    const first = await conn.database();
    first.close();
    expect(await store.count()).toBe(4);
    expect(await conn.database()).not.toBe(first);
    conn.close();
  });

  it('reports blocked while an old connection that ignores versionchange stays open', async () => {
    const factory = freshIdbFactory();
    (await openCandlecastDb('blocked', factory, { version: 1 })).close();
    const raw = await rawOpen(factory, 'blocked', 1);
    const events: ConnectionEvent[] = [];
    const conn = new CandlecastConnection({ name: 'blocked', idbFactory: factory, onState: (e) => events.push(e) });
    const opening = conn.database();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(conn.state()).toBe('blocked');
    expect(events.at(-1)?.detail).toMatch(/waiting for another candlecast tab/);
    raw.close();
    const db = await opening;
    expect(db.version).toBe(DB_VERSION);
    expect(conn.state()).toBe('open');
    conn.close();
  });
});

describe('runMigrations', () => {
  /** Upgrades `name` to `version` running `steps`; resolves with the open database or rejects with the error. */
  function upgradeWith(factory: IDBFactory, name: string, version: number, steps: Migration[]): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = factory.open(name, version);
      let failure: unknown = null;
      request.onupgradeneeded = (event) => {
        const db = wrap(request.result) as unknown as CandlecastDb;
        const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
        runMigrations(db, tx, event.oldVersion, version, steps).catch((err: unknown) => (failure = err));
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(failure ?? request.error);
    });
  }

  it('runs an async data-rewriting step inside the upgrade transaction', async () => {
    const factory = freshIdbFactory();
    await createV1Database(factory, 'rewrite');
    const renameBybit: Migration = async (_db, tx) => {
      let cursor = await tx.objectStore('candles').openCursor();
      while (cursor) {
        if (cursor.value.exchange === 'bybit') {
          await cursor.delete();
          await tx.objectStore('candles').put({ ...cursor.value, exchange: 'bybit-spot' });
        }
        cursor = await cursor.continue();
      }
    };
    const raw = await upgradeWith(factory, 'rewrite', 2, [MIGRATIONS[0]!, renameBybit]);
    raw.close();
    const db = await openCandlecastDb('rewrite', factory);
    const store = new CandleStore(db);
    expect(await store.count()).toBe(150);
    expect(await store.count({ exchange: 'bybit', symbol: 'ETHUSDT', timeframe: '1m' })).toBe(0);
    expect(await store.count({ exchange: 'bybit-spot', symbol: 'ETHUSDT', timeframe: '1m' })).toBe(30);
    db.close();
  });

  it('a failing step aborts the upgrade and leaves the old version and its rows intact', async () => {
    const factory = freshIdbFactory();
    await createV1Database(factory, 'fails');
    const broken: Migration = (db) => {
      db.createObjectStore('insights', { keyPath: 'time' });
      throw new Error('step 2 is broken');
    };
    await expect(upgradeWith(factory, 'fails', 2, [MIGRATIONS[0]!, broken])).rejects.toThrow('step 2 is broken');
    const v1 = await openCandlecastDb('fails', factory, { version: 1 });
    expect(Array.from(v1.objectStoreNames).sort()).toEqual(['candles', 'settings']);
    expect(await v1.count('candles')).toBe(150);
    v1.close();
  });
});
