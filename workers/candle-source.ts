import type { Candle } from '../src/core/candles/candle';
import {
  describeSeries,
  IMPORT_EXCHANGE,
  REPLAY_EXCHANGE,
  seriesId,
  type SeriesKey,
} from '../src/core/candles/series-key';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { ADAPTERS, isExchangeId } from '../src/feeds/adapter';
import type { ExchangeId } from '../src/feeds/exchange-types';
import { isLoopbackUrl } from '../src/feeds/loopback';
import { SimulatedFeed } from '../src/feeds/simulated-feed';
import type { SubscribeOptions } from './engine-api';
import { CACHED_HISTORY, startLiveStream } from './live-source';
import type { EngineStorage } from './storage';
import type { Stream } from './stream';

export { IMPORT_EXCHANGE, REPLAY_EXCHANGE };

/**
 * Where a new stream's candles come from, decided by its key alone: an exchange (its cached candles, then the
 * exchange itself, the simulated market when it stays unreachable), a stored import served as it is, or the
 * simulated market (any other exchange name, e.g. "simulated").
 */
export type SourceChoice = { kind: 'exchange'; exchange: ExchangeId } | { kind: 'stored' } | { kind: 'simulated' };

export function chooseSource(key: SeriesKey): SourceChoice {
  if (isExchangeId(key.exchange)) return { kind: 'exchange', exchange: key.exchange };
  if (key.exchange === IMPORT_EXCHANGE) return { kind: 'stored' };
  return { kind: 'simulated' };
}

/** The endpoint overrides of a subscription that may be honoured: loopback addresses only (null when none). */
export function loopbackEndpoints(options: SubscribeOptions): { restUrl?: string; wsUrl?: string } | null {
  const out: { restUrl?: string; wsUrl?: string } = {};
  if (options.restUrl && isLoopbackUrl(options.restUrl)) out.restUrl = options.restUrl;
  if (options.wsUrl && isLoopbackUrl(options.wsUrl)) out.wsUrl = options.wsUrl;
  return out.restUrl || out.wsUrl ? out : null;
}

/**
 * Starts the candle source of the engine's streams, as chooseSource decides, and keeps the stored series they
 * read (IndexedDB, or imports in memory when there is none).
 */
export class CandleSources {
  /** Imports kept in memory when there is no IndexedDB. */
  private readonly memoryImports = new Map<string, Candle[]>();

  constructor(
    private readonly storage: EngineStorage | null,
    private readonly models: () => PipelineModels,
  ) {}

  /** Keeps imported candles under their key. */
  async storeImport(key: SeriesKey, candles: readonly Candle[]): Promise<void> {
    if (this.storage) await this.storage.candles.upsert(key, candles);
    else this.memoryImports.set(seriesId(key), [...candles]);
  }

  /** The stored candles of a series, oldest first: all of them, or the newest `latest`. */
  async stored(key: SeriesKey, latest?: number): Promise<Candle[]> {
    const memory = this.memoryImports.get(seriesId(key));
    if (memory) return latest === undefined ? memory : memory.slice(-latest);
    if (!this.storage) return [];
    return latest === undefined ? this.storage.candles.range(key) : this.storage.candles.latest(key, latest);
  }

  /** Starts a new stream's source. */
  async start(stream: Stream, options: SubscribeOptions = {}): Promise<void> {
    const choice = chooseSource(stream.key);
    if (choice.kind === 'exchange') {
      const endpoints = loopbackEndpoints(options);
      await startLiveStream(stream, choice.exchange, {
        storage: this.storage,
        ...(endpoints ? { endpoints } : {}),
        onUnreachable: () => {
          if (stream.source === 'simulated') return; // the user already chose it
          this.simulate(stream, `${ADAPTERS[choice.exchange].name} unreachable and nothing cached: simulated market`);
        },
      });
    } else if (choice.kind === 'stored') {
      await this.serveStored(stream);
    } else {
      this.simulate(stream, null);
    }
  }

  /**
   * Feeds the stream from the simulated market from now on (its candles so far are forgotten), saying why.
   * Nothing simulated is stored under an exchange's name (the engine's storage hooks see source "simulated").
   */
  simulate(stream: Stream, reason: string | null): void {
    stream.reset(this.models());
    stream.attach(
      new SimulatedFeed(
        { symbol: stream.key.symbol, timeframe: stream.key.timeframe },
        { onCandle: (u) => stream.apply(u) },
      ),
      'simulated',
    );
    // After attach: stopping the previous (live) feed reports its own final state.
    stream.simulating();
    if (reason !== null) stream.explain(reason);
  }

  /** A stored series (an import) served as it is: its candles, source "cache", nothing live. */
  private async serveStored(stream: Stream): Promise<void> {
    const candles = await this.stored(stream.key, CACHED_HISTORY);
    if (candles.length === 0) {
      this.simulate(stream, `no stored candles for ${describeSeries(stream.key)}: simulated market`);
      return;
    }
    stream.servingStored();
    for (const candle of candles) stream.apply({ candle, closed: true });
  }
}
