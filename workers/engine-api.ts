import type { Candle } from '../src/core/candles/candle';
import type { Timeframe } from '../src/core/candles/timeframe';
import type { ReplaySpeed, ReplayStatus } from '../src/feeds/replay';
import type { HorizonKey, HorizonPrediction, Insight, PatternsPart, Signal } from '../src/core/insights/types';
import type { PatternName } from '../src/core/patterns/names';

/** Where a stream's candles come from. */
export type StreamSource = 'live' | 'simulated' | 'replay' | 'cache';

export interface StreamKey {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

/** One push to a subscriber: a candle update (closed or still open) of a stream. */
export interface StreamUpdate {
  key: StreamKey;
  candle: Candle;
  closed: boolean;
  source: StreamSource;
  /** The Insight for this stream after the update (null while the engine has too few candles). */
  insight: Insight | null;
}

/** The rule detections at one closed candle of a stream's history. */
export interface HistoryPatterns {
  time: number;
  rules: PatternName[];
}

export interface SubscriptionInfo {
  id: number;
  source: StreamSource;
  /** The stream's candles so far (oldest first), so a new chart can draw at once. */
  history: Candle[];
  /**
   * Rule detections of the closed candles in `history` that have any (oldest first, the newest few hundred), so the
   * chart marks patterns of candles that closed before it opened. The CNN scores only candles it sees close.
   */
  historyPatterns: HistoryPatterns[];
  /** The latest Insight of the stream, if one has been computed. */
  insight: Insight | null;
}

/** Endpoint overrides for a subscription; the engine honours them only for loopback addresses. */
export interface SubscribeOptions {
  restUrl?: string;
  wsUrl?: string;
}

export interface FeedInfo extends StreamKey {
  source: StreamSource;
  state: string;
  candles: number;
  lastMessageAt: number | null;
  reconnects: number;
  malformed: number;
  /** One line on why the stream is in its state (e.g. "exchange unreachable, nothing cached: simulated market"). */
  detail: string | null;
}

export interface WebGpuInfo {
  available: boolean;
  /** Adapter description (vendor / architecture / device) when an adapter was obtained. */
  adapter: string | null;
  error: string | null;
}

export interface EngineStatus {
  version: string;
  webgpu: WebGpuInfo;
  crossOriginIsolated: boolean;
  feeds: FeedInfo[];
  models: {
    pattern_cnn: {
      loaded: boolean;
      backend: string | null;
      /** Why this backend: the load-time measurement, e.g. "wasm: 0.61 ms vs webgpu 40 ms, cpu 2.9 ms". */
      backend_reason: string | null;
      version: string | null;
      error: string | null;
    };
    price_ensemble: { loaded: boolean; backend: string | null; version: string | null; error: string | null };
  };
  /** "ok", or one line on the last storage event (quota eviction, unavailable IndexedDB). */
  storage: string;
}

/** Live track record of one horizon: predictions scored once their horizon has passed. */
export interface TrackRecordHorizon {
  horizon: number;
  scored: number;
  /** Share of scored predictions whose direction was right (null before any is scored). */
  hitRate: number | null;
  /** Spearman correlation of predicted vs realised log return (null with fewer than 10 scored). */
  ic: number | null;
  /** Share of realised closes inside the 80% interval. */
  coverage: number | null;
}

export interface TrackRecord {
  /** This stream, over the last scored predictions kept in memory. */
  stream: TrackRecordHorizon[];
  /** Every stream, since the app was installed (from IndexedDB). */
  sinceInstall: TrackRecordHorizon[];
}

export type { ReplaySpeed };

/** A replay's progress: `position` candles of `total` closed so far, `time` the last one's open time. */
export interface ReplayState extends ReplayStatus {
  id: number;
}

export interface ImportResult {
  key: StreamKey;
  candles: number;
  first: number;
  last: number;
}

/** The engine API the worker exposes through comlink (SPEC §2). The main thread renders only. */
export interface EngineApi {
  getStatus(): Promise<EngineStatus>;
  subscribe(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (update: StreamUpdate) => void,
    options?: SubscribeOptions,
  ): Promise<SubscriptionInfo>;
  unsubscribe(id: number): Promise<void>;
  getCandles(symbol: string, timeframe: Timeframe, exchange: string, limit?: number): Promise<Candle[]>;

  getInsights(symbol: string, timeframe: Timeframe, exchange?: string): Promise<Insight | null>;
  getPatterns(symbol: string, timeframe: Timeframe, exchange?: string): Promise<PatternsPart | null>;
  getPricePrediction(
    symbol: string,
    timeframe: Timeframe,
    exchange?: string,
  ): Promise<Partial<Record<HorizonKey, HorizonPrediction>> | null>;
  getSignals(symbol: string, timeframe: Timeframe, exchange?: string): Promise<Signal[] | null>;
  getTrackRecord(symbol: string, timeframe: Timeframe, exchange?: string): Promise<TrackRecord>;
  /** The shipped models' manifest (versions, training data, hold-out metrics), or null when it could not load. */
  getModelManifest(): Promise<unknown>;
  /** Symbols tradable on an exchange (cached; a short built-in list when offline). */
  listSymbols(exchange: string, options?: SubscribeOptions): Promise<string[]>;

  /** Parses CSV text (SPEC §6 formats), stores it under exchange "import"; throws a one-line error on bad input. */
  importCandles(name: string, csvText: string, symbol: string, timeframe: Timeframe): Promise<ImportResult>;
  /** Replays stored candles (cached or imported) through the engine into the stream (exchange, symbol, timeframe). */
  replay(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    speed: ReplaySpeed,
    onUpdate: (update: StreamUpdate) => void,
  ): Promise<ReplayState>;
  /** After a seek the replay stream restarts from the stored candles before the seek time: redraw with getCandles. */
  replayControl(
    id: number,
    action: 'play' | 'pause' | 'seek' | 'speed',
    value?: number | ReplaySpeed,
  ): Promise<ReplayState>;
  stopReplay(id: number): Promise<void>;
}
