import type { Candle } from '../src/core/candles/candle';
import { timeframeMs } from '../src/core/candles/timeframe';
import type { ExchangeEndpoints, ExchangeId } from '../src/feeds/exchange-types';
import { LiveFeed } from '../src/feeds/live-feed';
import { oneLine } from '../src/core/util/errors';
import type { EngineStorage } from './storage';
import type { Stream } from './stream';

/** Cached candles loaded to start a stream before the exchange answers (and kept when it never does). */
export const CACHED_HISTORY = 1000;
/** With nothing cached, this long without a live candle means the exchange is unreachable. */
export const UNREACHABLE_AFTER_MS = 10_000;

export interface LiveStartOptions {
  storage: EngineStorage | null;
  endpoints?: Partial<ExchangeEndpoints>;
  /** Called when the exchange did not answer in time and nothing was cached (the engine goes simulated). */
  onUnreachable(): void;
}

/**
 * Starts a live exchange stream: cached candles first (source "cache"), then the exchange's REST backfill
 * from the last cached candle and its websocket (source "live" from the first live candle). When nothing
 * is cached and no live candle arrives within UNREACHABLE_AFTER_MS, `onUnreachable` is called.
 */
export async function startLiveStream(stream: Stream, exchange: ExchangeId, options: LiveStartOptions): Promise<void> {
  const { key } = stream;
  let cached: Candle[] = [];
  if (options.storage) {
    try {
      cached = await options.storage.candles.latest(key, CACHED_HISTORY);
    } catch (err) {
      stream.explain(`cache unavailable: ${oneLine(err)}`);
    }
  }
  for (const candle of cached) stream.apply({ candle, closed: true });
  const step = timeframeMs(key.timeframe);
  const lastCached = cached.at(-1)?.time;
  const oldestWanted = Date.now() - CACHED_HISTORY * step;
  let live = false;
  const feed = new LiveFeed(
    {
      exchange,
      symbol: key.symbol,
      timeframe: key.timeframe,
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
      ...(lastCached === undefined ? {} : { backfillFrom: Math.max(lastCached + step, oldestWanted) }),
    },
    {
      onCandle: (update) => {
        if (!live) {
          live = true;
          stream.wentLive();
        }
        stream.apply(update);
      },
      onStatus: (status) => stream.exchangeStatus(status),
    },
  );
  stream.attach(feed, cached.length > 0 ? 'cache' : 'live');
  if (cached.length > 0) {
    stream.explain(`showing ${cached.length} cached candles while connecting`);
    return;
  }
  setTimeout(() => {
    if (!live && !stream.stopped) options.onUnreachable();
  }, UNREACHABLE_AFTER_MS);
}
