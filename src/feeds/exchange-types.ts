import type { Candle } from '../core/candles/candle';
import type { Timeframe } from '../core/candles/timeframe';

export type ExchangeId = 'binance' | 'coinbase' | 'kraken' | 'bybit' | 'okx';

export const EXCHANGE_IDS: readonly ExchangeId[] = ['binance', 'coinbase', 'kraken', 'bybit', 'okx'];

export interface ExchangeEndpoints {
  restUrl: string;
  wsUrl: string;
}

/**
 * A slice of history to ask the REST API for, in candle open times (both ends inclusive).
 * `from` undefined asks for the latest candles the exchange has.
 */
export interface RestWindow {
  from?: number;
  to?: number;
}

/** One parsed websocket message, in exchange-neutral terms. */
export type WsEvent =
  /** A candle snapshot; `closed` is the exchange's "final" flag (undefined when the protocol has none). */
  | { kind: 'candle'; candle: Candle; closed?: boolean; eventTime?: number }
  /** One trade (for protocols that stream trades rather than candles). `id` increases per trade. */
  | { kind: 'trade'; time: number; price: number; size: number; id: number }
  /** Proof of life (heartbeat, pong, subscription ack); `serverTime` when the message carries one. */
  | { kind: 'heartbeat'; serverTime?: number }
  /** Not for us and harmless (e.g. another channel). */
  | { kind: 'ignore' }
  /** Unparseable or impossible content: counted and dropped. */
  | { kind: 'malformed'; reason: string }
  /** The exchange refused the subscription (unknown symbol...): fatal, retrying cannot help. */
  | { kind: 'rejected'; reason: string };

/** Candles of one REST answer, ascending. */
export interface RestPage {
  candles: Candle[];
  /** Open time of the newest candle the exchange marks as final (OKX `confirm`, Kraken `last`), when it says. */
  confirmedThrough?: number;
}

/** How a candle is known to be final. */
export type CloseSignal =
  /** The stream marks the last update of a candle (Binance `x`, Bybit `confirm`, OKX `confirm`). */
  | 'flag'
  /** No flag: a candle is final once a later one appears; its final values are then taken from REST. */
  | 'next';

/** The exchange answered, but refuses the request for good (unknown symbol, bad interval...). */
export class ExchangeRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExchangeRejection';
  }
}

/** The exchange answered with something that is not a valid response (retried with backoff, counted). */
export class MalformedResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponse';
  }
}

/** An answer asking us to slow down, from the body rather than the HTTP status (OKX 50011, Bybit 10006). */
export class RateLimitedResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitedResponse';
  }
}

/**
 * Protocol knowledge of one exchange: URLs, symbol and interval mapping, message parsing. No state and no
 * I/O of its own; the reliability engine (LiveFeed) drives it.
 */
export interface ExchangeAdapter {
  id: ExchangeId;
  name: string;
  defaultEndpoints: ExchangeEndpoints;
  /** Timeframes the exchange serves natively; others are refused with a clear message. */
  timeframes: readonly Timeframe[];
  closeSignal: CloseSignal;
  /** Most rows one REST request returns. */
  restPageLimit: number;
  /** Polite spacing between REST requests (public rate limits). */
  restMinIntervalMs: number;
  /** The exchange cuts connections after this long (Binance: 24 h); the feed reconnects a bit earlier. */
  maxConnectionMs?: number;
  /** A client heartbeat the exchange requires (Bybit {"op":"ping"}, OKX "ping", Kraken {"method":"ping"}). */
  heartbeat?: { intervalMs: number; message: string };

  /** Canonical "BTCUSDT" (or "BTC/USDT", "BTC-USDT") to the exchange's websocket/REST product name. */
  toExchangeSymbol(symbol: string): string;
  restUrl(restBase: string, symbol: string, tf: Timeframe, window: RestWindow): string;
  /** Candles of a REST answer in ascending time order; throws ExchangeRejection / MalformedResponse. */
  parseRest(body: unknown, tf: Timeframe): RestPage;
  wsUrl(wsBase: string, symbol: string, tf: Timeframe): string;
  subscribeMessages(symbol: string, tf: Timeframe): string[];
  parseWsMessage(text: string, symbol: string, tf: Timeframe): WsEvent[];
  /** Canonical symbols the exchange lists (spot, trading). */
  listSymbols?(restBase: string, fetchFn: typeof fetch): Promise<string[]>;
}
