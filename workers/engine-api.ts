import type { Candle } from '../src/core/candles/candle';
import type { SeriesKey } from '../src/core/candles/series-key';
import type { Timeframe } from '../src/core/candles/timeframe';
import type { ReplaySpeed, ReplayStatus } from '../src/feeds/replay';
import type { FeedState } from '../src/feeds/live-feed';
import type { HorizonKey, HorizonPrediction, Insight, PatternsPart, Signal } from '../src/core/insights/types';
import type { HorizonScore } from '../src/core/insights/track-record';
import type { PatternName } from '../src/core/patterns/names';
import type { BacktestResult } from '../src/core/backtest';

/** Where a stream's candles come from. */
export type StreamSource = 'live' | 'simulated' | 'replay' | 'cache';

/**
 * What a stream is doing, owned by the stream (workers/stream.ts) and rendered by the UI as it is (no strings
 * to parse): starting; connected to an exchange, in the connection's state; the simulated market; a stored
 * series (an import) served as it is; a replay; stopped.
 */
export type StreamStatus =
  | { kind: 'starting' }
  | { kind: 'exchange'; feed: FeedState }
  | { kind: 'simulated' }
  | { kind: 'stored' }
  | { kind: 'replay'; replay: ReplayStatus['state'] }
  | { kind: 'stopped' };

/** The API's name for a stream's series key: the one SeriesKey (src/core/candles/series-key.ts). */
export type StreamKey = SeriesKey;

/**
 * One push to a subscriber: a candle update (closed or still open) of a stream, after the closed candles
 * applied since the previous push (a burst such as a replay at 'max' arrives as one message).
 */
export interface StreamUpdate {
  key: SeriesKey;
  /** Closed candles applied before `candle` since the previous push, oldest first (usually empty). */
  earlier: Candle[];
  candle: Candle;
  closed: boolean;
  /** Closed candles the stream has applied since it (re)started: for a replay, its true position. */
  closedCount: number;
  /** Bumped each time the stream forgets its candles (a replay seeking): redraw from this update on. */
  epoch: number;
  source: StreamSource;
  /** The Insight for this stream after the update (null while the engine has too few candles). */
  insight: Insight | null;
}

/** The rule detections at one closed candle of a stream's history. */
export interface HistoryPatterns {
  time: number;
  /** Patterns the rule detectors saw at this candle. */
  rules: PatternName[];
  /** Patterns the CNN detected there (probability >= its threshold); empty when the CNN is not loaded. */
  cnn: PatternName[];
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

export interface FeedInfo extends SeriesKey {
  source: StreamSource;
  status: StreamStatus;
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

/** Live track record of one horizon (src/core/insights/track-record.ts). */
export type TrackRecordHorizon = HorizonScore;

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
  /** Open time of the first stored candle (null for an empty series). */
  first: number | null;
}

/** What a replay control does; `seek` takes a candle position (0 .. total), `speed` a ReplaySpeed. */
export type ReplayAction = 'play' | 'pause' | 'seek' | 'speed';

export interface ReplayStartOptions {
  /** Start at the first candle at or after this time (epoch ms); the candles before it warm the features up. */
  from?: number;
}

export interface ImportResult {
  key: SeriesKey;
  candles: number;
  first: number;
  last: number;
}

/** Costs of a backtest (src/core/backtest/scoring.ts); `refresh` recomputes instead of reading the cache. */
export interface BacktestRequest {
  cost: number;
  slippage: number;
  refresh?: boolean;
}

/** A backtest result (report, combined-verdict trades, equity curves) and whether it came from IndexedDB. */
export interface BacktestRun extends BacktestResult {
  cached: boolean;
  computedMs: number;
}

/** Feature columns aligned with candle open times (epoch ms), one array per requested name. */
export interface FeatureSeries {
  time: number[];
  values: Record<string, number[]>;
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
  /** Switches a live stream that has no live candles yet to the labelled simulated market now. */
  useSimulated(symbol: string, timeframe: Timeframe, exchange: string): Promise<void>;
  getCandles(symbol: string, timeframe: Timeframe, exchange: string, limit?: number): Promise<Candle[]>;
  /**
   * Columns of the named features (registry names) for the stream's newest `limit` candles, computed by the
   * engine over every candle it holds (so warm-up comes from earlier candles); NaN where a feature is empty.
   */
  getFeatureSeries(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    names: readonly string[],
    limit?: number,
  ): Promise<FeatureSeries>;

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
  /**
   * Round-trip trading cost (fraction, e.g. 0.001 = 0.1%) a predicted move must exceed to become a BUY/SELL
   * signal, for every stream; recomputes their insights. Rejects a value outside [0, 0.05].
   */
  setSignalCost(cost: number): Promise<void>;
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
    options?: ReplayStartOptions,
  ): Promise<ReplayState>;
  /**
   * Play, pause, seek (to a candle position) or change speed. A seek restarts the replay stream from the stored
   * candles before the position: its next update has a new `epoch` and carries them in `earlier`.
   */
  replayControl(id: number, action: ReplayAction, value?: number | ReplaySpeed): Promise<ReplayState>;
  stopReplay(id: number): Promise<void>;
  /** Backtests a stored series (cached or imported) with the engine's models; cached per series, model and costs. */
  backtest(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    request: BacktestRequest,
    onProgress?: (stage: string, fraction: number) => void,
  ): Promise<BacktestRun>;
}
