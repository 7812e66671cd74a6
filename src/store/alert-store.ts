import type { AlertCondition, StreamAlert } from '../core/alerts/conditions';
import type { SeriesKey } from '../core/candles/series-key';
import { withDb, type DbSource } from './connection';
import type { AlertLogRecord } from './schema';

/** Alert conditions per stream and the log of alerts that fired; both survive reloads. */
export class AlertStore {
  constructor(private readonly source: DbSource) {}

  async list(): Promise<StreamAlert[]> {
    return withDb(this.source, async (db) =>
      (await db.getAll('alerts')).map((r) => ({
        id: r.id!,
        exchange: r.exchange,
        symbol: r.symbol,
        timeframe: r.timeframe,
        condition: r.condition as AlertCondition,
      })),
    );
  }

  async add(stream: SeriesKey, condition: AlertCondition): Promise<number> {
    return withDb(this.source, async (db) => db.add('alerts', { ...stream, condition, createdAt: Date.now() }));
  }

  async remove(id: number): Promise<void> {
    return withDb(this.source, (db) => db.delete('alerts', id));
  }

  async log(entry: Omit<AlertLogRecord, 'id'>): Promise<number> {
    return withDb(this.source, (db) => db.add('alertLog', entry));
  }

  /** The newest `limit` log entries, newest first. */
  async recent(limit = 50): Promise<AlertLogRecord[]> {
    return withDb(this.source, async (db) => {
      const out: AlertLogRecord[] = [];
      let cursor = await db.transaction('alertLog').store.openCursor(null, 'prev');
      while (cursor && out.length < limit) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    });
  }
}
