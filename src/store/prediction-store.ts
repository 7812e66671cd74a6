import { timeframeMs, type Timeframe } from '../core/candles/timeframe';
import type { CandleStore } from './candle-store';
import { withDb, type DbSource } from './connection';
import { ignore, type QuotaGuard } from './quota-guard';
import type { PredictionDbRecord, PredictionKey } from './schema';
import {
  checkSeriesKey,
  describeSeries,
  sameSeries,
  type SeriesKey,
  type SeriesTime,
} from '../core/candles/series-key';

/** A prediction: made at the close of the candle at `time` (SeriesTime) for `horizon` candles ahead. */
export interface PredictionId extends SeriesTime {
  /** Horizon in candles of the series' timeframe (SPEC §2: 1, 5, 15, 60). */
  horizon: number;
}

export interface PredictionInput extends PredictionId {
  /** Predicted log return from this candle's close to the close `horizon` candles later. */
  predictedReturn: number;
  /** Bounds of the 80% prediction interval of that log return. */
  lower: number;
  upper: number;
  /** Calibrated probability that the predicted direction is right. */
  confidence: number;
}

export interface PredictionRecord extends PredictionInput {
  /** Realized log return over the horizon; null until scored. */
  realized: number | null;
  createdAt: number;
  scoredAt: number | null;
  /** Epoch ms when the target candle closes: time + (horizon + 1) × timeframe. */
  due: number;
}

export interface ListUnscoredOptions {
  /** Only predictions whose horizon has passed by this instant (default: all unscored). */
  dueBy?: number;
  series?: SeriesKey;
  limit?: number;
}

export interface ScoringResult {
  scored: number;
  /** Due predictions whose base or target candle is not stored (yet); they stay unscored. */
  missingCandles: number;
}

export interface PredictionStoreOptions {
  guard?: QuotaGuard;
  now?: () => number;
}

/** When the target candle of a prediction closes. */
export function predictionDue(timeframe: Timeframe, time: number, horizon: number): number {
  return time + (horizon + 1) * timeframeMs(timeframe);
}

/**
 * The live track record: every prediction, keyed by (exchange, symbol, timeframe, candle time, horizon),
 * scored with the realized return once its horizon has passed.
 */
export class PredictionStore {
  private readonly now: () => number;

  constructor(
    private readonly source: DbSource,
    private readonly options: PredictionStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Upserts predictions (all or none: an invalid one throws naming it). Re-putting a prediction that is already
   * scored keeps its realized return, which does not depend on the prediction.
   */
  async put(predictions: readonly PredictionInput[]): Promise<void> {
    predictions.forEach((p, i) => {
      const problem = predictionProblem(p);
      if (problem) throw new Error(`prediction #${i} (${describeId(p)}): ${problem}`);
    });
    if (predictions.length === 0) return;
    const createdAt = this.now();
    const write = () =>
      withDb(this.source, async (db) => {
        const tx = db.transaction('predictions', 'readwrite');
        await Promise.all(
          predictions.map(async (p) => {
            const old = await tx.store.get(keyOf(p));
            const due = predictionDue(p.timeframe, p.time, p.horizon);
            const row: PredictionDbRecord = {
              ...fieldsOf(p),
              realized: old?.realized ?? null,
              createdAt: old?.createdAt ?? createdAt,
              scoredAt: old?.scoredAt ?? null,
              due,
            };
            if (row.realized === null) row.pendingDue = due;
            await tx.store.put(row);
          }),
        );
        await tx.done;
      });
    const guard = this.options.guard;
    await (guard ? guard.run(`storing ${predictions.length} predictions`, write) : write());
  }

  async get(id: PredictionId): Promise<PredictionRecord | undefined> {
    return withDb(this.source, async (db) => {
      const row = await db.get('predictions', keyOf(id));
      return row ? toPublic(row) : undefined;
    });
  }

  /** Unscored predictions, earliest due first. */
  async listUnscored(options: ListUnscoredOptions = {}): Promise<PredictionRecord[]> {
    if (options.series) checkSeriesKey(options.series);
    const range = options.dueBy === undefined ? undefined : IDBKeyRange.upperBound(options.dueBy);
    const limit = options.limit ?? Infinity;
    return withDb(this.source, async (db) => {
      const out: PredictionRecord[] = [];
      let cursor = await db.transaction('predictions').store.index('by-pending').openCursor(range);
      while (cursor && out.length < limit) {
        if (!options.series || sameSeries(cursor.value, options.series)) out.push(toPublic(cursor.value));
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  /** Records the realized return of one prediction; returns the scored record. */
  async score(id: PredictionId, realized: number): Promise<PredictionRecord> {
    if (!Number.isFinite(realized)) {
      throw new Error(`scoring ${describeId(id)}: realized return ${realized} is not finite`);
    }
    return withDb(this.source, async (db) => {
      const tx = db.transaction('predictions', 'readwrite');
      const row = await tx.store.get(keyOf(id));
      if (!row) {
        tx.abort();
        await tx.done.catch(ignore);
        throw new Error(`scoring ${describeId(id)}: no such prediction`);
      }
      row.realized = realized;
      row.scoredAt = this.now();
      delete row.pendingDue;
      tx.store.put(row).catch(ignore);
      await tx.done;
      return toPublic(row);
    });
  }

  /**
   * Scores every prediction due by `now` whose base and target candles are stored:
   * realized = ln(close(time + horizon × timeframe) / close(time)), the log return the models predict (SPEC §5).
   */
  async scoreFromCandles(candles: CandleStore, now = this.now()): Promise<ScoringResult> {
    let scored = 0;
    let missingCandles = 0;
    for (const p of await this.listUnscored({ dueBy: now })) {
      const target = p.time + p.horizon * timeframeMs(p.timeframe);
      const [base] = await candles.range(p, p.time, p.time);
      const [end] = await candles.range(p, target, target);
      if (!base || !end) {
        missingCandles++;
        continue;
      }
      await this.score(p, Math.log(end.close / base.close));
      scored++;
    }
    return { scored, missingCandles };
  }

  /** Predictions of the series with from <= time <= to, ascending by time then horizon; optionally one horizon. */
  async range(series: SeriesKey, from = -Infinity, to = Infinity, horizon?: number): Promise<PredictionRecord[]> {
    checkSeriesKey(series);
    if (from > to) return [];
    const { exchange, symbol, timeframe } = series;
    const range = IDBKeyRange.bound(
      [exchange, symbol, timeframe, from, -Infinity],
      [exchange, symbol, timeframe, to, Infinity],
    );
    return withDb(this.source, async (db) => {
      const rows = await db.getAll('predictions', range);
      return rows.filter((r) => horizon === undefined || r.horizon === horizon).map(toPublic);
    });
  }
}

function predictionProblem(p: PredictionInput): string | null {
  try {
    checkSeriesKey(p);
  } catch (err) {
    return (err as Error).message;
  }
  if (!Number.isFinite(p.time)) return `time ${p.time} is not finite`;
  if (!Number.isInteger(p.horizon) || p.horizon < 1) return `horizon ${p.horizon} is not a positive whole number`;
  for (const name of ['predictedReturn', 'lower', 'upper', 'confidence'] as const) {
    if (typeof p[name] !== 'number' || !Number.isFinite(p[name])) return `${name} ${String(p[name])} is not finite`;
  }
  if (p.lower > p.upper) return `lower ${p.lower} > upper ${p.upper}`;
  if (p.confidence < 0 || p.confidence > 1) return `confidence ${p.confidence} is outside [0, 1]`;
  return null;
}

function keyOf(id: PredictionId): PredictionKey {
  return [id.exchange, id.symbol, id.timeframe, id.time, id.horizon];
}

function fieldsOf(p: PredictionInput): PredictionInput {
  const { exchange, symbol, timeframe, time, horizon, predictedReturn, lower, upper, confidence } = p;
  return { exchange, symbol, timeframe, time, horizon, predictedReturn, lower, upper, confidence };
}

function toPublic(row: PredictionDbRecord): PredictionRecord {
  const { pendingDue: _pending, ...rest } = row;
  return rest;
}

function describeId(id: PredictionId): string {
  return `${describeSeries(id)} time ${id.time} horizon ${id.horizon}`;
}
