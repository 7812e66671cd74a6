import { withDb, type DbSource } from './connection';
import { ignore, type QuotaGuard } from './quota-guard';

export interface ModelFileInfo {
  url: string;
  version: string;
  bytes: number;
  storedAt: number;
}

export interface ModelCacheOptions {
  /** When given, a QuotaExceededError while storing a file evicts old candles and retries. */
  guard?: QuotaGuard;
  now?: () => number;
}

/** Downloaded model files (weights, manifests) by (url, version), so the app starts offline. */
export class ModelCache {
  private readonly now: () => number;

  constructor(
    private readonly source: DbSource,
    private readonly options: ModelCacheOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(url: string, version: string): Promise<ArrayBuffer | undefined> {
    return withDb(this.source, async (db) => (await db.get('models', [url, version]))?.data);
  }

  async has(url: string, version: string): Promise<boolean> {
    return withDb(this.source, async (db) => (await db.getKey('models', [url, version])) !== undefined);
  }

  /** Stores a copy of `data` (the caller's buffer stays usable). */
  async put(url: string, version: string, data: ArrayBuffer): Promise<void> {
    if (url === '') throw new Error('model cache: url is empty');
    if (version === '') throw new Error(`model cache: version of ${url} is empty`);
    const record = { url, version, data, bytes: data.byteLength, storedAt: this.now() };
    const write = () => withDb(this.source, (db) => db.put('models', record).then(ignore));
    const guard = this.options.guard;
    await (guard ? guard.run(`storing model file ${url} (${data.byteLength} bytes)`, write) : write());
  }

  /** Metadata of every cached file, without the data. */
  async list(): Promise<ModelFileInfo[]> {
    return withDb(this.source, async (db) => {
      const out: ModelFileInfo[] = [];
      let cursor = await db.transaction('models').store.openCursor();
      while (cursor) {
        const { url, version, bytes, storedAt } = cursor.value;
        out.push({ url, version, bytes, storedAt });
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  async delete(url: string, version: string): Promise<void> {
    return withDb(this.source, (db) => db.delete('models', [url, version]));
  }

  /** Deletes every cached file whose version is not `keep` (after a model update); returns how many. */
  async deleteOtherVersions(keep: string): Promise<number> {
    return withDb(this.source, async (db) => {
      const tx = db.transaction('models', 'readwrite');
      let n = 0;
      let cursor = await tx.store.openCursor();
      while (cursor) {
        if (cursor.value.version !== keep) {
          cursor.delete().catch(ignore);
          n++;
        }
        cursor = await cursor.continue();
      }
      await tx.done;
      return n;
    });
  }
}
