import type { Timeframe } from '../core/candles/timeframe';
import type { ExchangeId } from './exchange-types';

export type FeedState = 'connecting' | 'backfilling' | 'live' | 'reconnecting' | 'stopped' | 'error';

/** What a live feed reports about itself: the socket session, the sequencer and the REST backfill write to it. */
export interface FeedStatus {
  state: FeedState;
  exchange: ExchangeId;
  symbol: string;
  timeframe: Timeframe;
  /** Wall-clock time of the last websocket message (any kind). */
  lastMessageAt: number | null;
  /** Open time of the newest closed candle emitted. */
  lastClosedTime: number | null;
  closedCandles: number;
  reconnects: number;
  staleReconnects: number;
  malformed: number;
  duplicatesDropped: number;
  outOfOrderDropped: number;
  /** Stream messages that were already covered by a REST backfill when their turn came (normal after a gap). */
  supersededDropped: number;
  restRequests: number;
  /** HTTP 429 / 418 (or body rate-limit codes) answered. */
  rateLimited: number;
  /** 5xx, network errors and timeouts on REST. */
  httpErrors: number;
  lastError: string | null;
  /** The wait the server asked for in its last Retry-After. */
  retryAfterMs?: number;
}

/** The counters the candle sequencer keeps. */
export type SequencerCounts = Pick<
  FeedStatus,
  | 'lastClosedTime'
  | 'closedCandles'
  | 'malformed'
  | 'duplicatesDropped'
  | 'outOfOrderDropped'
  | 'supersededDropped'
  | 'lastError'
>;

/** The counters the REST backfill keeps. */
export type BackfillCounts = Pick<
  FeedStatus,
  'restRequests' | 'rateLimited' | 'httpErrors' | 'malformed' | 'lastError' | 'retryAfterMs'
>;
