import { wrap, type IDBPDatabase } from 'idb';
import { DB_VERSION, runMigrations, type UpgradeTransaction } from './migrations';
import type { CandlecastSchema } from './schema';

export { DB_VERSION, MIGRATIONS } from './migrations';
export const DEFAULT_DB_NAME = 'candlecast';

export type CandlecastDb = IDBPDatabase<CandlecastSchema>;

/** The stored database is newer than this page's schema: another tab runs a newer candlecast. */
export class DbOutdatedError extends Error {
  constructor(name: string, version: number, cause: unknown) {
    super(
      `database "${name}" is newer than this page's schema ${version}: another tab runs a newer candlecast; reload this tab`,
      { cause },
    );
    this.name = 'DbOutdatedError';
  }
}

export interface OpenDbOptions {
  /** Schema version to open (default DB_VERSION; tests open older versions). */
  version?: number;
  /**
   * Another tab wants to upgrade (or delete) the database. This connection has already been closed so the
   * other tab is not blocked; reopen (CandlecastConnection does) or ask the user to reload.
   */
  onVersionChange?(newVersion: number | null): void;
  /** This open waits because another tab keeps an older connection open. */
  onBlocked?(currentVersion: number): void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  onTerminated?(): void;
}

/**
 * Opens the candlecast database through `idb`, running the ordered migrations from the stored version to
 * `version`. `idbFactory` defaults to the global indexedDB (tests pass a fake-indexeddb factory).
 */
export function openCandlecastDb(
  name = DEFAULT_DB_NAME,
  idbFactory?: IDBFactory,
  options: OpenDbOptions = {},
): Promise<CandlecastDb> {
  const factory = idbFactory ?? globalThis.indexedDB;
  if (!factory) return Promise.reject(new Error('IndexedDB is not available in this environment'));
  const version = options.version ?? DB_VERSION;
  const request = factory.open(name, version);
  let migrationError: unknown = null;
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as CandlecastDb;
    const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
    runMigrations(db, tx, event.oldVersion, event.newVersion ?? version).catch((err: unknown) => {
      migrationError = err;
    });
  });
  request.addEventListener('blocked', (event) => options.onBlocked?.(event.oldVersion));
  const opened = (wrap(request) as Promise<CandlecastDb>).catch((err: unknown) => {
    if (migrationError) {
      const detail = migrationError instanceof Error ? migrationError.message : String(migrationError);
      throw new Error(`upgrading database "${name}" to version ${version} failed: ${detail}`, {
        cause: migrationError,
      });
    }
    if (err instanceof DOMException && err.name === 'VersionError') {
      throw new DbOutdatedError(name, version, err);
    }
    throw err;
  });
  return opened.then((db) => {
    db.addEventListener('versionchange', (event) => {
      db.close();
      options.onVersionChange?.(event.newVersion);
    });
    db.addEventListener('close', () => options.onTerminated?.());
    return db;
  });
}
