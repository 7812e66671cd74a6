import { toColumns, type Candle, type CandleUpdate } from '../src/core/candles/candle';
import { CandleRingBuffer } from '../src/core/candles/ring-buffer';
import { InsightPipeline, type PipelineModels } from '../src/core/insights/pipeline';
import { TrackRecorder, type ScoredPrediction } from '../src/core/insights/track-record';
import type { Insight } from '../src/core/insights/types';
import { oneLine } from '../src/core/util/errors';
import { PATTERN_NAMES } from '../src/core/patterns/names';
import { cnnSeries } from '../src/core/patterns/cnn-series';
import { detectPatterns } from '../src/core/patterns/rules';
import type { FeedStatus } from '../src/feeds/live-feed';
import type { ReplayState } from '../src/feeds/replay';
import type { SeriesKey } from '../src/core/candles/series-key';
import type { FeedInfo, HistoryPatterns, StreamSource, StreamStatus, StreamUpdate } from './engine-api';

/** How many history candles with patterns a new subscriber gets marked (the chart keeps as many markers). */
export const HISTORY_PATTERN_LIMIT = 300;

/** Something that produces candle updates for one stream and can be stopped. */
export interface CandleSource {
  start(): void;
  stop(): void;
}

type Listener = (update: StreamUpdate) => void;

/** What the engine does with a stream's results; `source` says where its candles come from (nothing simulated is stored). */
export interface StreamHooks {
  /** A candle closed (persist it). */
  onClosed?(key: SeriesKey, candle: Candle, source: StreamSource): void;
  /** An insight was computed (cache it). */
  onInsight?(key: SeriesKey, insight: Insight, closed: boolean, source: StreamSource): void;
  /** Predictions made earlier were scored at this close (persist them). */
  onScored?(key: SeriesKey, scored: ScoredPrediction[], source: StreamSource): void;
}

/**
 * One (exchange, symbol, timeframe) stream inside the worker: the last candles, the insight pipeline and
 * track record, the subscribers, and the source feeding it. Updates are applied strictly in order; the
 * Insight is recomputed once the queue of pending updates is drained (so a burst of history costs one
 * Insight, and every live update gets one). Closed candles are final: older updates are dropped.
 */
export class Stream {
  readonly candles: CandleRingBuffer;
  readonly track = new TrackRecorder();
  private readonly listeners = new Map<number, Listener>();
  private currentSource: StreamSource;
  private current: StreamStatus = { kind: 'starting' };
  private detailLine: string | null = null;
  private lastMessage: number | null = null;
  private reconnectCount = 0;
  private malformedCount = 0;
  private latest: Insight | null = null;
  private pipeline: InsightPipeline;
  /** The models the pipeline uses (the CNN also marks the history a new subscriber gets). */
  private models: PipelineModels;
  private feed: CandleSource | null = null;
  private lastClosedTime = Number.NEGATIVE_INFINITY;
  private queue: CandleUpdate[] = [];
  /** Closed candles applied while more updates were queued, not pushed yet: they go out with the next push. */
  private unpushed: Candle[] = [];
  /** Closed candles applied since the stream (re)started: a replay's position. */
  private closedCount = 0;
  private epoch = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly key: SeriesKey,
    source: StreamSource,
    models: PipelineModels,
    private readonly hooks: StreamHooks = {},
    capacity = 5000,
  ) {
    this.currentSource = source;
    this.candles = new CandleRingBuffer(capacity);
    this.models = models;
    this.pipeline = new InsightPipeline(key, models);
  }

  /** The signal cost threshold (see EngineApi.setSignalCost); recomputes the current Insight. */
  setSignalCost(cost: number): void {
    this.pipeline.cost = cost;
    this.refresh();
  }

  /** Switches to newly loaded models and recomputes the current Insight, so its model_status is current. */
  setModels(models: PipelineModels): void {
    this.models = models;
    this.pipeline.setModels(models);
    this.refresh();
  }

  private refresh(): void {
    if (this.candles.length === 0) return;
    void this.idle().then(async () => {
      await this.computeInsight(false);
      const last = this.candles.last();
      if (last) this.push(last, last.time <= this.lastClosedTime);
    });
  }

  /** Where the candles come from now (a cached stream turns "live" at its first live candle). */
  get source(): StreamSource {
    return this.currentSource;
  }

  /** One line on why the stream is in its state, or null. */
  get detail(): string | null {
    return this.detailLine;
  }

  /** The Insight after the newest applied update (null before the first one). */
  get latestInsight(): Insight | null {
    return this.latest;
  }

  /** Adds a subscriber under `id`; it gets every push from now on. */
  addListener(id: number, listener: Listener): void {
    this.listeners.set(id, listener);
  }

  /** Removes a subscriber; true when it was one of this stream's. */
  removeListener(id: number): boolean {
    return this.listeners.delete(id);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Stops the current source (it may report its final state) and starts `feed`, whose candles are `source`. */
  attach(feed: CandleSource, source: StreamSource): void {
    this.feed?.stop();
    this.currentSource = source;
    this.feed = feed;
    feed.start();
  }

  /** Forgets every candle (a replay seeking backwards starts its stream again). */
  reset(models: PipelineModels): void {
    this.candles.clear();
    const cost = this.pipeline.cost;
    this.models = models;
    this.pipeline = new InsightPipeline(this.key, models);
    this.pipeline.cost = cost;
    this.lastClosedTime = Number.NEGATIVE_INFINITY;
    this.latest = null;
    this.queue = [];
    this.unpushed = [];
    this.closedCount = 0;
    this.epoch++;
  }

  /** Queues one update from the source; it is applied, and pushed to subscribers, in arrival order. */
  apply(update: CandleUpdate): void {
    this.lastMessage = Date.now();
    this.queue.push(update);
    if (!this.draining) void this.drain();
  }

  /** Resolves once every queued update has been applied and its Insight computed. */
  idle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const { candle, closed } = this.queue.shift()!;
        if (candle.time <= this.lastClosedTime) continue;
        this.candles.upsert(candle);
        this.pipeline.update(candle);
        if (closed) {
          this.lastClosedTime = candle.time;
          this.closedCount++;
          this.hooks.onClosed?.(this.key, candle, this.source);
        }
        // Only the newest state gets an Insight and a push: a queued backlog is history, not something to
        // predict from, and goes to subscribers in one message with the newest candle (a replay at 'max'
        // would otherwise flood the main thread with one message per candle).
        if (this.queue.length > 0) {
          if (closed) {
            this.recordClose(candle, null);
            this.unpushed.push(candle);
          }
          continue;
        }
        const insight = await this.computeInsight(closed);
        if (closed) this.recordClose(candle, insight);
        this.push(candle, closed);
      }
    } finally {
      this.draining = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async computeInsight(closed: boolean): Promise<Insight | null> {
    let insight: Insight | null;
    try {
      insight = await this.pipeline.insight();
    } catch (err) {
      this.detailLine = `insight failed: ${oneLine(err)}`;
      return null;
    }
    if (!insight) return null;
    this.latest = insight;
    this.hooks.onInsight?.(this.key, insight, closed, this.source);
    return insight;
  }

  private recordClose(candle: Candle, insight: Insight | null): void {
    const scored = this.track.onClose(candle.time, candle.close, insight?.price_predictions ?? null);
    if (scored.length > 0) this.hooks.onScored?.(this.key, scored, this.source);
  }

  private push(candle: Candle, closed: boolean): void {
    const earlier = this.unpushed;
    this.unpushed = [];
    if (this.listeners.size === 0) return;
    const message: StreamUpdate = {
      key: this.key,
      earlier,
      candle,
      closed,
      closedCount: this.closedCount,
      epoch: this.epoch,
      source: this.source,
      insight: this.latest,
    };
    for (const listener of this.listeners.values()) listener(message);
  }

  /**
   * Rule detections and CNN detections (probability >= the pattern's threshold, when the CNN is loaded) of the
   * closed candles held, for the newest `limit` candles that have any: the same detections the live pipeline
   * gives each candle as it closes, so a chart opened later marks its history as it would have marked it live.
   */
  async historyPatterns(limit = HISTORY_PATTERN_LIMIT): Promise<HistoryPatterns[]> {
    const closed = this.candles.toArray().filter((c) => c.time <= this.lastClosedTime);
    const cols = toColumns(closed);
    const flags = detectPatterns(cols);
    const cnn = this.models.cnn;
    const probs = cnn ? await cnnSeries(cnn, cols) : null;
    const k = PATTERN_NAMES.length;
    const out: HistoryPatterns[] = [];
    for (let i = closed.length - 1; i >= 0 && out.length < limit; i--) {
      const rules = PATTERN_NAMES.filter((p) => flags[p][i] === 1);
      const detected = cnn && probs ? PATTERN_NAMES.filter((p, j) => probs[i * k + j]! >= cnn.thresholds[p]) : [];
      if (rules.length > 0 || detected.length > 0) out.push({ time: closed[i]!.time, rules, cnn: detected });
    }
    return out.reverse();
  }

  history(limit?: number): Candle[] {
    const all = this.candles.toArray();
    return limit === undefined ? all : all.slice(-limit);
  }

  info(): FeedInfo {
    return {
      ...this.key,
      source: this.currentSource,
      status: this.current,
      candles: this.candles.length,
      lastMessageAt: this.lastMessage,
      reconnects: this.reconnectCount,
      malformed: this.malformedCount,
      detail: this.detailLine,
    };
  }

  get status(): StreamStatus {
    return this.current;
  }

  get stopped(): boolean {
    return this.current.kind === 'stopped';
  }

  /** Says why the stream is in its state (null clears it). */
  explain(detail: string | null): void {
    this.detailLine = detail;
  }

  /** The exchange connection reported its status: its state, counters and last error become the stream's. */
  exchangeStatus(status: Pick<FeedStatus, 'state' | 'reconnects' | 'malformed' | 'lastError'>): void {
    if (this.stopped) return;
    this.current = { kind: 'exchange', feed: status.state };
    this.reconnectCount = status.reconnects;
    this.malformedCount = status.malformed;
    this.detailLine = status.lastError;
  }

  /** The first live candle arrived: a stream started from its cache is live from now on. */
  wentLive(): void {
    if (!this.stopped) this.currentSource = 'live';
  }

  /** Now fed by the simulated market. */
  simulating(): void {
    if (!this.stopped) this.current = { kind: 'simulated' };
  }

  /** A stored series (an import) served as it is, nothing live: source "cache". */
  servingStored(): void {
    if (this.stopped) return;
    this.currentSource = 'cache';
    this.current = { kind: 'stored' };
  }

  replayState(state: ReplayState): void {
    if (!this.stopped) this.current = { kind: 'replay', replay: state };
  }

  stop(): void {
    this.feed?.stop();
    this.feed = null;
    this.current = { kind: 'stopped' };
  }
}
