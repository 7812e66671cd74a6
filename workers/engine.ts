import type { Candle } from '../src/core/candles/candle';
import { parseTimeframe, type Timeframe } from '../src/core/candles/timeframe';
import { sameSeries, seriesId, seriesKeyOf, type SeriesKey } from '../src/core/candles/series-key';
import { detectTimeframe } from '../src/core/candles/detect-timeframe';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { DEFAULT_SIGNAL_COST } from '../src/core/insights/signals';
import type { ScoredPrediction } from '../src/core/insights/track-record';
import {
  type HorizonKey,
  type HorizonPrediction,
  type Insight,
  type PatternsPart,
  type Signal,
} from '../src/core/insights/types';
import { featureSeries } from './feature-series';
import { oneLine } from '../src/core/util/errors';
import { ADAPTERS, isExchangeId } from '../src/feeds/adapter';
import { parseCandlesCsv } from '../src/feeds/csv';
import { feedNetwork, guardFetch } from '../src/feeds/network-policy';
import { POPULAR_SYMBOLS } from '../src/feeds/popular-symbols';
import pkg from '../package.json';
import type {
  EngineApi,
  EngineStatus,
  FeatureSeries,
  BacktestRequest,
  BacktestRun,
  ImportResult,
  ReplayAction,
  ReplaySpeed,
  ReplayStartOptions,
  ReplayState,
  StreamSource,
  StreamUpdate,
  SubscribeOptions,
  SubscriptionInfo,
  TrackRecord,
  WebGpuInfo,
} from './engine-api';
import { backtestSeries } from './backtest';
import { CandleSources, IMPORT_EXCHANGE, REPLAY_EXCHANGE } from './candle-source';
import { predictionRows, scoreRows } from './prediction-rows';
import { fetchManifest, loadBrowserModels } from './models';
import { ReplaySession } from './replay-session';
import { openStorage, type EngineStorage } from './storage';
import { StorageWriter } from './storage-writer';
import { Stream, type StreamHooks } from './stream';
import { probeWebGpu } from './webgpu-probe';

const LOADING: PipelineModels = { cnn: null, cnnError: 'loading', price: null, priceError: 'loading' };
export { IMPORT_EXCHANGE, REPLAY_EXCHANGE };

/**
 * The engine behind the worker: owns the streams, the models, the stores and replays. Everything here runs
 * off the main thread; the UI only renders what it pushes or returns.
 */
export class Engine implements EngineApi {
  private readonly streams = new Map<string, Stream>();
  private readonly subscriptions = new Map<number, Stream>();
  private readonly replays = new Map<number, ReplaySession>();
  private nextId = 1;
  private webgpu: Promise<WebGpuInfo> | null = null;
  private models: PipelineModels = LOADING;
  private readonly modelsReady: Promise<void>;
  private manifest: Promise<unknown> | null = null;
  private readonly storage: EngineStorage | null;
  private readonly symbolLists = new Map<string, Promise<string[]>>();
  private readonly hooks: StreamHooks;
  private readonly sources: CandleSources;
  /** The last failed background write (candles, insights, predictions), for the status line. */
  private storageError: string | null = null;
  private writer: StorageWriter | null = null;

  constructor(options: { loadModels?: () => Promise<PipelineModels>; storage?: EngineStorage | null } = {}) {
    this.storage = options.storage === undefined ? openStorage() : options.storage;
    this.sources = new CandleSources(this.storage, () => this.models);
    this.modelsReady = (options.loadModels ?? loadBrowserModels)().then(
      (models) => this.useModels(models),
      (err: unknown) => this.useModels({ cnn: null, cnnError: oneLine(err), price: null, priceError: oneLine(err) }),
    );
    this.hooks = this.storageHooks();
  }

  /** Resolves once the models have loaded (or failed to). */
  ready(): Promise<void> {
    return this.modelsReady;
  }

  async getStatus(): Promise<EngineStatus> {
    this.webgpu ??= probeWebGpu();
    const m = this.models;
    return {
      version: pkg.version,
      webgpu: await this.webgpu,
      crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
      feeds: [...this.streams.values()].map((s) => s.info()),
      models: {
        pattern_cnn: {
          loaded: m.cnn !== null,
          backend: m.cnn?.backend ?? null,
          backend_reason: m.cnn?.selection?.reason ?? null,
          version: m.cnn?.version ?? null,
          error: m.cnnError,
        },
        price_ensemble: {
          loaded: m.price !== null,
          backend: m.price?.backend ?? null,
          version: m.price?.version ?? null,
          error: m.priceError,
        },
      },
      storage: this.storage
        ? (this.storage.lastEvent() ?? this.storageError ?? 'ok')
        : 'IndexedDB is not available: nothing is cached',
    };
  }

  async subscribe(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (update: StreamUpdate) => void,
    options: SubscribeOptions = {},
  ): Promise<SubscriptionInfo> {
    const key = seriesKeyOf(exchange, symbol, timeframe);
    const stream = this.streams.get(seriesId(key)) ?? (await this.openStream(key, options));
    await stream.idle();
    const id = this.nextId++;
    stream.addListener(id, onUpdate);
    this.subscriptions.set(id, stream);
    return {
      id,
      source: stream.source,
      history: stream.history(),
      historyPatterns: await stream.historyPatterns(),
      insight: stream.latestInsight,
    };
  }

  async unsubscribe(id: number): Promise<void> {
    const stream = this.subscriptions.get(id);
    if (!stream) return;
    this.subscriptions.delete(id);
    stream.removeListener(id);
    if (stream.listenerCount === 0 && stream.source !== 'replay') {
      stream.stop();
      this.streams.delete(seriesId(stream.key));
    }
  }

  async getCandles(symbol: string, timeframe: Timeframe, exchange: string, limit?: number): Promise<Candle[]> {
    const stream = this.findStream(symbol, timeframe, exchange);
    if (stream) {
      await stream.idle();
      return stream.history(limit);
    }
    if (!this.storage) return [];
    return this.storage.candles.latest(seriesKeyOf(exchange, symbol, timeframe), limit ?? 1000);
  }

  async getFeatureSeries(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    names: readonly string[],
    limit?: number,
  ): Promise<FeatureSeries> {
    const candles = await this.getCandles(symbol, timeframe, exchange);
    return featureSeries(candles, names, limit);
  }

  async getInsights(symbol: string, timeframe: Timeframe, exchange?: string): Promise<Insight | null> {
    const stream = this.findStream(symbol, timeframe, exchange);
    if (stream) {
      await stream.idle();
      if (stream.latestInsight) return { ...stream.latestInsight, cached: false };
    }
    return this.cachedInsight(symbol, timeframe, exchange ?? stream?.key.exchange);
  }

  async getPatterns(symbol: string, timeframe: Timeframe, exchange?: string): Promise<PatternsPart | null> {
    return (await this.getInsights(symbol, timeframe, exchange))?.patterns ?? null;
  }

  async getPricePrediction(
    symbol: string,
    timeframe: Timeframe,
    exchange?: string,
  ): Promise<Partial<Record<HorizonKey, HorizonPrediction>> | null> {
    return (await this.getInsights(symbol, timeframe, exchange))?.price_predictions ?? null;
  }

  async getSignals(symbol: string, timeframe: Timeframe, exchange?: string): Promise<Signal[] | null> {
    return (await this.getInsights(symbol, timeframe, exchange))?.signals ?? null;
  }

  async getTrackRecord(symbol: string, timeframe: Timeframe, exchange?: string): Promise<TrackRecord> {
    const stream = this.findStream(symbol, timeframe, exchange);
    const live = stream ? stream.track.scores() : scoreRows([]);
    let sinceInstall = scoreRows([]);
    if (this.storage && stream) {
      try {
        sinceInstall = scoreRows(await this.storage.predictions.range(stream.key));
      } catch (err) {
        stream.explain(`track record unavailable: ${oneLine(err)}`);
      }
    }
    return { stream: live, sinceInstall };
  }

  getModelManifest(): Promise<unknown> {
    this.manifest ??= fetchManifest().catch(() => null);
    return this.manifest;
  }

  listSymbols(exchange: string): Promise<string[]> {
    let list = this.symbolLists.get(exchange);
    if (!list) {
      const adapter = isExchangeId(exchange) ? ADAPTERS[exchange] : null;
      list = adapter?.listSymbols
        ? adapter
            .listSymbols(adapter.defaultEndpoints.restUrl, guardFetch(feedNetwork(adapter).policy, fetch))
            .catch(() => [...POPULAR_SYMBOLS])
        : Promise.resolve([...POPULAR_SYMBOLS]);
      this.symbolLists.set(exchange, list);
    }
    return list;
  }

  async importCandles(name: string, csvText: string, symbol: string, timeframe: Timeframe): Promise<ImportResult> {
    const tf = parseTimeframe(timeframe);
    const candles = parseCandlesCsv(csvText, { source: name, timeframe: tf });
    const detected = detectTimeframe(candles.map((c) => c.time));
    if (detected !== null && detected !== tf)
      throw new Error(
        `${name}: these are ${detected} candles (from their timestamps), not ${tf}: import them as ${detected}`,
      );
    const key = seriesKeyOf(IMPORT_EXCHANGE, symbol, tf);
    await this.sources.storeImport(key, candles);
    return { key, candles: candles.length, first: candles[0]!.time, last: candles.at(-1)!.time };
  }

  async replay(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    speed: ReplaySpeed,
    onUpdate: (update: StreamUpdate) => void,
    options: ReplayStartOptions = {},
  ): Promise<ReplayState> {
    const source = seriesKeyOf(exchange, symbol, timeframe);
    const candles = await this.sources.stored(source);
    if (candles.length === 0)
      throw new Error(
        `nothing to replay: no stored candles for ${source.exchange} ${source.symbol} ${source.timeframe}`,
      );
    const key: SeriesKey = { exchange: REPLAY_EXCHANGE, symbol: source.symbol, timeframe: source.timeframe };
    this.streams.get(seriesId(key))?.stop();
    const stream = new Stream(key, 'replay', this.models);
    stream.setSignalCost(this.signalCost);
    stream.replayState('paused');
    this.streams.set(seriesId(key), stream);
    const id = this.nextId++;
    stream.addListener(id, onUpdate);
    const session = new ReplaySession(id, stream, candles, speed, () => this.models);
    this.replays.set(id, session);
    session.start(options.from === undefined ? 0 : session.indexOf(options.from));
    return session.state();
  }

  async replayControl(id: number, action: ReplayAction, value?: number | ReplaySpeed): Promise<ReplayState> {
    const session = this.replays.get(id);
    if (!session) throw new Error(`no replay ${id}`);
    session.control(action, value);
    return session.state();
  }

  async stopReplay(id: number): Promise<void> {
    const session = this.replays.get(id);
    if (!session) return;
    session.stop();
    this.replays.delete(id);
    this.streams.delete(seriesId(session.stream.key));
  }

  async backtest(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    request: BacktestRequest,
    onProgress?: (stage: string, fraction: number) => void,
  ): Promise<BacktestRun> {
    const key = seriesKeyOf(exchange, symbol, timeframe);
    await this.modelsReady;
    const candles = await this.sources.stored(key);
    return backtestSeries(key, candles, this.models, request, this.storage?.backtests ?? null, onProgress);
  }

  private signalCost = DEFAULT_SIGNAL_COST;

  async setSignalCost(cost: number): Promise<void> {
    if (!(Number.isFinite(cost) && cost >= 0 && cost <= 0.05))
      throw new Error(`signal cost must be a fraction between 0 and 0.05, got ${cost}`);
    this.signalCost = cost;
    for (const stream of this.streams.values()) stream.setSignalCost(cost);
  }

  private useModels(models: PipelineModels): void {
    this.models = models;
    for (const stream of this.streams.values()) stream.setModels(models);
  }

  private findStream(symbol: string, timeframe: Timeframe, exchange?: string): Stream | undefined {
    if (exchange !== undefined) return this.streams.get(seriesId(seriesKeyOf(exchange, symbol, timeframe)));
    // No exchange: the first stream of this symbol and timeframe on any exchange.
    const want = seriesKeyOf('', symbol, timeframe);
    for (const s of this.streams.values()) if (sameSeries(s.key, { ...want, exchange: s.key.exchange })) return s;
    return undefined;
  }

  private async cachedInsight(symbol: string, timeframe: Timeframe, exchange?: string): Promise<Insight | null> {
    if (!this.storage || !exchange) return null;
    const key = seriesKeyOf(exchange, symbol, timeframe);
    const last = await this.storage.candles.lastTime(key).catch(() => null);
    if (last === null) return null;
    const hit = await this.storage.insights.get({ ...key, time: last }).catch(() => undefined);
    return hit ? { ...hit, cached: true } : null;
  }

  private async openStream(key: SeriesKey, options: SubscribeOptions): Promise<Stream> {
    const stream = new Stream(key, 'simulated', this.models, this.hooks);
    stream.setSignalCost(this.signalCost);
    this.streams.set(seriesId(key), stream);
    await this.sources.start(stream, options);
    return stream;
  }

  /**
   * Switches a stream that is still waiting for its exchange to the simulated market now (the user asked),
   * instead of waiting out UNREACHABLE_AFTER_MS. Nothing simulated is stored under the exchange's name.
   */
  async useSimulated(symbol: string, timeframe: Timeframe, exchange: string): Promise<void> {
    const stream = this.findStream(symbol, timeframe, exchange);
    if (!stream) throw new Error(`no stream ${exchange} ${symbol} ${timeframe}`);
    if (stream.source === 'simulated') return;
    this.sources.simulate(stream, 'simulated market chosen instead of waiting for the exchange');
  }

  /** Persists closed live candles, caches insights, and records predictions and their scores (write-behind). */
  private storageHooks(): StreamHooks {
    if (!this.storage) return {};
    const writer = new StorageWriter(this.storage, (what, err) => {
      this.storageError = `could not store ${what}: ${oneLine(err)}`;
    });
    this.writer = writer;
    // Only an exchange's own candles are stored under its name: a simulated market standing in for an
    // unreachable exchange must never come back later as that exchange's cache.
    const persistable = (key: SeriesKey, source: StreamSource) => isExchangeId(key.exchange) && source !== 'simulated';
    return {
      onClosed: (key, candle, source) => {
        if (persistable(key, source)) writer.candle(key, candle);
      },
      onInsight: (key, insight, closed, source) => {
        if (!persistable(key, source)) return;
        writer.insight(key, insight);
        if (!closed) return;
        writer.prediction(predictionRows(key, insight));
      },
      onScored: (key, scored: ScoredPrediction[], source) => {
        if (!persistable(key, source)) return;
        for (const s of scored) writer.score({ ...key, time: s.time, horizon: s.horizon }, s.realizedReturn);
      },
    };
  }

  /** Writes everything the engine has queued for IndexedDB now (tests, and before a page closes). */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }
}
