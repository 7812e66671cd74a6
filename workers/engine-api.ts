import type { Candle } from '../src/core/candles/candle';
import type { Timeframe } from '../src/core/candles/timeframe';

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
}

export interface SubscriptionInfo {
  id: number;
  source: StreamSource;
  /** The stream's candles so far (oldest first), so a new chart can draw at once. */
  history: Candle[];
}

export interface FeedInfo extends StreamKey {
  source: StreamSource;
  state: string;
  candles: number;
  lastMessageAt: number | null;
  reconnects: number;
  malformed: number;
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
    pattern_cnn: { loaded: boolean; backend: string | null; version: string | null; error: string | null };
    price_ensemble: { loaded: boolean; backend: string | null; version: string | null; error: string | null };
  };
}

/** The engine API the worker exposes through comlink (SPEC §2). The main thread renders only. */
export interface EngineApi {
  getStatus(): Promise<EngineStatus>;
  subscribe(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (update: StreamUpdate) => void,
  ): Promise<SubscriptionInfo>;
  unsubscribe(id: number): Promise<void>;
  getCandles(symbol: string, timeframe: Timeframe, exchange: string, limit?: number): Promise<Candle[]>;
}
