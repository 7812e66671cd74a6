import { DbOutdatedError, openCandlecastDb, DEFAULT_DB_NAME, type CandlecastDb } from './db';

/** Something that hands out an open database, reopening it when needed. */
export interface DbProvider {
  database(): Promise<CandlecastDb>;
  /** Called with a database that turned out closed, so the next database() opens a new connection. */
  discard?(db: CandlecastDb): void;
}

/** What the stores accept: an open database, or a provider such as CandlecastConnection. */
export type DbSource = CandlecastDb | DbProvider;

export type ConnectionState = 'closed' | 'opening' | 'blocked' | 'open' | 'outdated';

export interface ConnectionEvent {
  state: ConnectionState;
  /** One line for the status bar. */
  detail: string;
}

export interface ConnectionOptions {
  name?: string;
  idbFactory?: IDBFactory;
  onState?(event: ConnectionEvent): void;
}

/**
 * One tab's connection. When another tab upgrades or deletes the database the connection closes at once
 * (so that tab is never blocked) and the next `database()` reopens it; when the stored schema is newer than
 * this page the state becomes 'outdated' and `database()` rejects with DbOutdatedError.
 */
export class CandlecastConnection implements DbProvider {
  private db: CandlecastDb | null = null;
  private opening: Promise<CandlecastDb> | null = null;
  private current: ConnectionState = 'closed';
  private closedByUser = false;

  constructor(private readonly options: ConnectionOptions = {}) {}

  state(): ConnectionState {
    return this.current;
  }

  database(): Promise<CandlecastDb> {
    if (this.db) return Promise.resolve(this.db);
    if (this.opening) return this.opening;
    this.closedByUser = false;
    this.set('opening', 'opening the local database');
    const name = this.options.name ?? DEFAULT_DB_NAME;
    const opening = openCandlecastDb(name, this.options.idbFactory, {
      onBlocked: () => this.set('blocked', 'waiting for another candlecast tab to release the local database'),
      onVersionChange: (newVersion) => {
        this.db = null;
        const why = newVersion === null ? 'deleted' : `upgraded to schema ${newVersion}`;
        this.set('closed', `another tab ${why} the local database; reconnecting on next use`);
      },
      onTerminated: () => {
        this.db = null;
        this.set('closed', 'the browser closed the local database; reconnecting on next use');
      },
    }).then(
      (db) => {
        this.opening = null;
        if (this.closedByUser) {
          db.close();
          throw new Error('connection closed while opening');
        }
        this.db = db;
        this.set('open', `local database open (schema ${db.version})`);
        return db;
      },
      (err: unknown) => {
        this.opening = null;
        if (err instanceof DbOutdatedError) this.set('outdated', err.message);
        else this.set('closed', `cannot open the local database: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      },
    );
    this.opening = opening;
    return opening;
  }

  discard(db: CandlecastDb): void {
    if (this.db !== db) return;
    this.db = null;
    this.set('closed', 'the local database connection was closed; reconnecting');
  }

  close(): void {
    this.closedByUser = true;
    this.db?.close();
    this.db = null;
    this.set('closed', 'local database closed');
  }

  private set(state: ConnectionState, detail: string): void {
    this.current = state;
    this.options.onState?.({ state, detail });
  }
}

function isProvider(source: DbSource): source is DbProvider {
  return 'database' in source && typeof (source as Partial<DbProvider>).database === 'function';
}

/**
 * Runs `work` on the source's database. With a provider, a connection that closed under us (another tab's
 * upgrade) is reopened and the work retried once.
 */
export async function withDb<T>(source: DbSource, work: (db: CandlecastDb) => Promise<T>): Promise<T> {
  if (!isProvider(source)) return work(source);
  const db = await source.database();
  try {
    return await work(db);
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'InvalidStateError')) throw err;
    source.discard?.(db);
    return work(await source.database());
  }
}
