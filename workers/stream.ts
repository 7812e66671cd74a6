import type { CandleUpdate, Candle } from '../src/core/candles/candle';
import { CandleRingBuffer } from '../src/core/candles/ring-buffer';
import type { FeedInfo, StreamKey, StreamSource, StreamUpdate } from './engine-api';

/** Something that produces candle updates for one stream and can be stopped. */
export interface CandleSource {
  start(): void;
  stop(): void;
}

type Listener = (update: StreamUpdate) => void;

/**
 * One (exchange, symbol, timeframe) stream inside the worker: the last candles in a ring buffer, the
 * subscribers, and the source feeding it. Closed candles are final; an update for an older time is dropped.
 */
export class Stream {
  readonly candles: CandleRingBuffer;
  readonly listeners = new Map<number, Listener>();
  source: StreamSource;
  state = 'starting';
  lastMessageAt: number | null = null;
  reconnects = 0;
  malformed = 0;
  private feed: CandleSource | null = null;
  private lastClosedTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly key: StreamKey,
    source: StreamSource,
    capacity = 5000,
  ) {
    this.source = source;
    this.candles = new CandleRingBuffer(capacity);
  }

  attach(feed: CandleSource): void {
    this.feed?.stop();
    this.feed = feed;
    feed.start();
  }

  /** Applies one update from the source and pushes it to every subscriber. */
  apply(update: CandleUpdate): void {
    const { candle, closed } = update;
    this.lastMessageAt = Date.now();
    if (candle.time <= this.lastClosedTime) return;
    this.candles.upsert(candle);
    if (closed) this.lastClosedTime = candle.time;
    const message: StreamUpdate = { key: this.key, candle, closed, source: this.source };
    for (const listener of this.listeners.values()) listener(message);
  }

  history(limit?: number): Candle[] {
    const all = this.candles.toArray();
    return limit === undefined ? all : all.slice(-limit);
  }

  info(): FeedInfo {
    return {
      ...this.key,
      source: this.source,
      state: this.state,
      candles: this.candles.length,
      lastMessageAt: this.lastMessageAt,
      reconnects: this.reconnects,
      malformed: this.malformed,
    };
  }

  stop(): void {
    this.feed?.stop();
    this.feed = null;
    this.state = 'stopped';
  }
}

export function streamId(key: StreamKey): string {
  return `${key.exchange}|${key.symbol}|${key.timeframe}`;
}
