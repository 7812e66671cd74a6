import type { Candle } from '../src/core/candles/candle';
import type { Insight } from '../src/core/insights/types';
import type { PredictionId, PredictionInput } from '../src/store/prediction-store';
import { seriesId, type SeriesKey } from '../src/core/candles/series-key';
import type { EngineStorage } from './storage';

interface Pending {
  key: SeriesKey;
  candles: Candle[];
  /** The newest insight, and whether it was computed at a close (a close makes older entries stale). */
  insight: Insight | null;
  staleTimes: number[];
}

/**
 * Write-behind for the engine's IndexedDB traffic: candles, insights, predictions and scores are collected
 * and written once per `intervalMs` in a few transactions, so a fast stream (or a replaying simulator)
 * never floods IndexedDB and starves other tabs. Nothing is dropped: every closed candle is written.
 */
export class StorageWriter {
  private readonly series = new Map<string, Pending>();
  private predictions: PredictionInput[] = [];
  private scores: Array<{ id: PredictionId; realized: number }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: EngineStorage,
    private readonly onError: (what: string, err: unknown) => void,
    private readonly intervalMs = 1000,
  ) {}

  candle(key: SeriesKey, candle: Candle): void {
    const p = this.pending(key);
    p.candles.push(candle);
    if (p.insight && p.insight.time === candle.time) p.insight = null;
    p.staleTimes.push(candle.time);
    this.schedule();
  }

  insight(key: SeriesKey, insight: Insight): void {
    this.pending(key).insight = insight;
    this.schedule();
  }

  prediction(rows: readonly PredictionInput[]): void {
    this.predictions.push(...rows);
    this.schedule();
  }

  score(id: PredictionId, realized: number): void {
    this.scores.push({ id, realized });
    this.schedule();
  }

  /** Writes everything pending now; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private pending(key: SeriesKey): Pending {
    const id = seriesId(key);
    let p = this.series.get(id);
    if (!p) {
      p = { key, candles: [], insight: null, staleTimes: [] };
      this.series.set(id, p);
    }
    return p;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  private async write(): Promise<void> {
    const batches = [...this.series.values()];
    this.series.clear();
    const predictions = this.predictions;
    const scores = this.scores;
    this.predictions = [];
    this.scores = [];
    for (const p of batches) {
      if (p.candles.length > 0) {
        await this.storage.candles.upsert(p.key, p.candles).catch((e: unknown) => this.onError('candles', e));
      }
      for (const time of p.staleTimes) {
        if (p.insight?.time === time) continue;
        await this.storage.insights
          .invalidate({ ...p.key, time })
          .catch((e: unknown) => this.onError('the insight cache', e));
      }
      if (p.insight) {
        await this.storage.insights
          .put({ ...p.key, time: p.insight.time }, p.insight)
          .catch((e: unknown) => this.onError('an insight', e));
      }
    }
    if (predictions.length > 0) {
      await this.storage.predictions.put(predictions).catch((e: unknown) => this.onError('predictions', e));
    }
    for (const { id, realized } of scores) {
      await this.storage.predictions.score(id, realized).catch((e: unknown) => this.onError('a scored prediction', e));
    }
  }
}
