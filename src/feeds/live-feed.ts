import type { Candle, CandleUpdate } from '../core/candles/candle';
import { bucketStart, timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { candleProblem } from '../core/candles/validate';
import { ADAPTERS } from './adapter';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { ExchangeAdapter, ExchangeEndpoints, ExchangeId, RestPage, RestWindow, WsEvent } from './exchange-types';
import { fetchCandles } from './rest-client';
import { feedNetwork, guardFetch, guardWebSocket } from './network-policy';
import { messageText, WS_OPEN, type WebSocketCtor, type WebSocketLike } from './ws-types';

export type FeedState = 'connecting' | 'backfilling' | 'live' | 'reconnecting' | 'stopped' | 'error';

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

export interface LiveFeedEvents {
  onCandle(update: CandleUpdate): void;
  onStatus?(status: FeedStatus): void;
}

export interface LiveFeedOptions {
  exchange: ExchangeId;
  /** Canonical symbol, e.g. "BTCUSDT" (or "BTC/USDT"). */
  symbol: string;
  timeframe: Timeframe;
  endpoints?: Partial<ExchangeEndpoints>;
  fetch?: typeof fetch;
  /** Defaults to the global WebSocket (browser, worker); Node passes the `ws` package's class. */
  WebSocket?: WebSocketCtor;
  /** Open time of the first candle wanted. Default: the exchange's latest page of candles. */
  backfillFrom?: number;
  now?: () => number;
  random?: () => number;
  /** Silence after which the stream counts as stale. Default: timeframe-aware, see defaultStaleMs. */
  staleMs?: number;
  backoff?: BackoffPolicy;
  /** Spacing between REST requests. Default: the adapter's public rate limit. */
  restMinIntervalMs?: number;
  restTimeoutMs?: number;
  /** Reconnect proactively before the exchange cuts the connection. Default: adapter's limit minus a minute. */
  maxConnectionMs?: number;
}

/**
 * Stale-stream timeout for a timeframe: a sixth of a candle, at least 10 s and at most 60 s (1m -> 10 s,
 * 5m -> 50 s, longer -> 60 s). Every live stream talks more often than that: Binance pushes the kline every 2 s,
 * Kraken and Coinbase send heartbeats every second, and Bybit and OKX answer our 10 s pings.
 */
export function defaultStaleMs(tf: Timeframe): number {
  return Math.min(60_000, Math.max(10_000, timeframeMs(tf) / 6));
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };
/** How often a 'next'-close feed asks REST again for a candle the stream saw but REST does not have yet. */
const CONFIRM_RETRIES = 3;

type QueuedEvent = WsEvent | { kind: 'resync' };

interface OpenCandle {
  candle: Candle;
  eventTime?: number;
}

/**
 * The reliability engine behind every exchange adapter. It opens the exchange's websocket and subscribes, fills
 * history through REST (paginated, rate-limited, Retry-After honoured) and then applies the stream in order:
 *
 * - closed candles are emitted exactly once, in ascending time order; the still-open candle is emitted in place
 *   (`closed: false`) on every accepted update;
 * - whenever the stream skips past slots that were never confirmed (a reconnect, a lost close message, a 'next'
 *   exchange moving on), the gap is filled from REST first; slots the exchange has no candle for stay empty;
 * - duplicates, out-of-order updates and malformed messages (including candles failing candleProblem) are
 *   dropped and counted;
 * - a closed socket, a stale stream or the exchange's connection age limit leads to a reconnect with exponential
 *   backoff and jitter, followed by a REST backfill from the last closed candle.
 */
export class LiveFeed {
  private readonly adapter: ExchangeAdapter;
  private readonly tf: Timeframe;
  private readonly tfMs: number;
  private readonly symbol: string;
  private readonly endpoints: ExchangeEndpoints;
  private readonly fetchFn: typeof fetch;
  private readonly WS: WebSocketCtor | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly staleMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly restMinIntervalMs: number;
  private readonly restTimeoutMs: number;
  private readonly maxConnectionMs: number | null;
  private readonly backfillFrom: number | undefined;
  private readonly st: FeedStatus;

  private lastClosed: number | null = null;
  private open: OpenCandle | null = null;
  /** Every slot before this time is settled: emitted, or known to be absent at the exchange. */
  private checkedUpTo = Number.NEGATIVE_INFINITY;
  private lastTradeId = Number.NEGATIVE_INFINITY;
  private queue: { e: QueuedEvent; seq: number }[] = [];
  private arrivals = 0;
  /** Sequence number of the event being handled, and of the last event that arrived before the last backfill. */
  private currentSeq = 0;
  private backfilledThroughSeq = 0;
  private qHead = 0;
  private pumping = false;
  private resyncQueued = false;
  private stopped = true;
  private ws: WebSocketLike | null = null;
  private epoch = 0;
  private connectAttempt = 0;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private ageTimer: ReturnType<typeof setTimeout> | null = null;
  private staleTimer: ReturnType<typeof setInterval> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private readonly sleepers = new Set<() => void>();

  constructor(
    options: LiveFeedOptions,
    private readonly events: LiveFeedEvents,
  ) {
    const adapter = ADAPTERS[options.exchange];
    if (!adapter) throw new Error(`unknown exchange "${String(options.exchange)}"`);
    if (!adapter.timeframes.includes(options.timeframe)) {
      throw new Error(
        `${adapter.name} has no ${options.timeframe} candles (supported: ${adapter.timeframes.join(', ')})`,
      );
    }
    adapter.toExchangeSymbol(options.symbol); // throws a one-line error for an unreadable symbol
    this.adapter = adapter;
    this.tf = options.timeframe;
    this.tfMs = timeframeMs(options.timeframe);
    this.symbol = options.symbol;
    // Every request of the feed goes through the network policy: the exchange's origins or a loopback override.
    const net = feedNetwork(adapter, stripUndefined(options.endpoints));
    this.endpoints = net.endpoints;
    this.fetchFn = guardFetch(net.policy, options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    this.WS = WS && guardWebSocket(net.policy, WS);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.staleMs = options.staleMs ?? defaultStaleMs(options.timeframe);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.restMinIntervalMs = options.restMinIntervalMs ?? adapter.restMinIntervalMs;
    this.restTimeoutMs = options.restTimeoutMs ?? 15_000;
    this.maxConnectionMs =
      options.maxConnectionMs ?? (adapter.maxConnectionMs !== undefined ? adapter.maxConnectionMs - 60_000 : null);
    this.backfillFrom = options.backfillFrom;
    this.st = {
      state: 'stopped',
      exchange: adapter.id,
      symbol: options.symbol,
      timeframe: options.timeframe,
      lastMessageAt: null,
      lastClosedTime: null,
      closedCandles: 0,
      reconnects: 0,
      staleReconnects: 0,
      malformed: 0,
      duplicatesDropped: 0,
      outOfOrderDropped: 0,
      supersededDropped: 0,
      restRequests: 0,
      rateLimited: 0,
      httpErrors: 0,
      lastError: null,
    };
  }

  start(): void {
    if (!this.stopped) return;
    if (!this.WS) {
      this.fail('no WebSocket implementation available (pass options.WebSocket)');
      return;
    }
    this.stopped = false;
    this.setState('connecting');
    this.enqueue({ kind: 'resync' }); // REST backfill first...
    this.connect(); // ...while the websocket opens; its messages queue behind the backfill
    this.staleTimer = setInterval(() => this.checkStale(), Math.max(5, Math.floor(this.staleMs / 4)));
  }

  stop(): void {
    this.stopped = true;
    this.teardown();
    if (this.st.state !== 'error') this.setState('stopped');
  }

  status(): FeedStatus {
    return { ...this.st };
  }

  // ---- connection -------------------------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped || !this.WS) return;
    this.reconnectTimer = null;
    const epoch = ++this.epoch;
    const url = this.adapter.wsUrl(this.endpoints.wsUrl, this.symbol, this.tf);
    let ws: WebSocketLike;
    try {
      ws = new this.WS(url);
    } catch (err) {
      this.st.lastError = `websocket ${url}: ${err instanceof Error ? err.message : String(err)}`;
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.st.lastMessageAt = this.now();
    try {
      ws.binaryType = 'arraybuffer';
    } catch {
      // not settable on every implementation
    }
    ws.onopen = () => {
      if (epoch !== this.epoch) return;
      this.st.lastMessageAt = this.now();
      for (const m of this.adapter.subscribeMessages(this.symbol, this.tf)) ws.send(m);
      const hb = this.adapter.heartbeat;
      if (hb) {
        this.heartbeatTimer = setInterval(() => {
          if (ws.readyState === WS_OPEN) ws.send(hb.message);
        }, hb.intervalMs);
      }
      if (this.maxConnectionMs !== null) {
        this.ageTimer = setTimeout(() => this.reconnect('connection age limit', false), this.maxConnectionMs);
      }
      this.enqueue({ kind: 'resync' });
    };
    ws.onmessage = (ev) => {
      if (epoch !== this.epoch) return;
      this.st.lastMessageAt = this.now();
      const text = messageText(ev.data);
      if (text === null) {
        this.enqueue({ kind: 'malformed', reason: 'unreadable frame' });
        return;
      }
      let parsed: WsEvent[];
      try {
        parsed = this.adapter.parseWsMessage(text, this.symbol, this.tf);
      } catch (err) {
        parsed = [{ kind: 'malformed', reason: err instanceof Error ? err.message : String(err) }];
      }
      for (const e of parsed) {
        if (e.kind === 'candle' || e.kind === 'trade') this.connectAttempt = 0; // data flows: reset backoff
        this.enqueue(e);
      }
    };
    ws.onerror = () => {
      if (epoch === this.epoch) this.st.lastError = `websocket error on ${url}`;
    };
    ws.onclose = (ev) => {
      if (epoch !== this.epoch) return;
      this.st.lastError = `websocket closed (code ${ev.code ?? '?'}${ev.reason ? `: ${ev.reason}` : ''})`;
      this.reconnect(this.st.lastError, true);
    };
  }

  /** Drops the current socket and opens a new one (after backoff unless the exchange's age limit caused it). */
  private reconnect(reason: string, withBackoff: boolean): void {
    if (this.stopped) return;
    this.st.lastError = reason;
    this.dropSocket();
    this.st.reconnects++;
    if (withBackoff) this.scheduleReconnect();
    else this.connect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.connectAttempt++, this.backoff, this.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private checkStale(): void {
    if (this.stopped || this.ws === null || this.st.lastMessageAt === null) return;
    if (this.now() - this.st.lastMessageAt > this.staleMs) {
      this.st.staleReconnects++;
      this.reconnect(`stale stream: no message for ${this.staleMs} ms`, true);
    }
  }

  private dropSocket(): void {
    this.epoch++;
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    if (this.ageTimer !== null) clearTimeout(this.ageTimer);
    this.heartbeatTimer = null;
    this.ageTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = () => undefined; // an error after close must not surface as an unhandled event
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
  }

  private teardown(): void {
    this.dropSocket();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.staleTimer !== null) clearInterval(this.staleTimer);
    this.reconnectTimer = null;
    this.staleTimer = null;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  private fail(reason: string): void {
    this.st.lastError = reason;
    this.stopped = true;
    this.teardown();
    this.setState('error');
  }

  // ---- event processing -------------------------------------------------------------------------------------

  private enqueue(e: QueuedEvent): void {
    if (this.stopped) return;
    if (e.kind === 'resync') {
      if (this.resyncQueued) return;
      this.resyncQueued = true;
    }
    this.queue.push({ e, seq: ++this.arrivals });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.qHead < this.queue.length) {
        const { e, seq } = this.queue[this.qHead++]!;
        this.currentSeq = seq;
        if (this.qHead >= 4096) {
          this.queue = this.queue.slice(this.qHead);
          this.qHead = 0;
        }
        if (e.kind === 'resync') {
          this.resyncQueued = false;
          if (this.st.state !== 'live') this.setState('backfilling');
          await this.fill(null);
          if (!this.stopped)
            this.setState(
              this.ws?.readyState === WS_OPEN ? 'live' : this.reconnectTimer ? 'reconnecting' : 'connecting',
            );
          continue;
        }
        let bound = this.handle(e);
        for (let guard = 0; bound !== null && !this.stopped && guard < 2; guard++) {
          await this.fill(bound);
          bound = this.handle(e);
        }
      }
    } catch (err) {
      this.fail(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.pumping = false;
    }
  }

  /** Applies one stream event; returns a time when history up to it must be filled from REST first. */
  private handle(e: WsEvent): number | null {
    switch (e.kind) {
      case 'candle':
        return this.handleCandle(e.candle, e.closed, e.eventTime);
      case 'trade':
        return this.handleTrade(e);
      case 'heartbeat':
        return this.handleHeartbeat(e.serverTime);
      case 'malformed':
        this.st.malformed++;
        this.st.lastError = `malformed message: ${e.reason}`;
        return null;
      case 'rejected':
        this.fail(e.reason);
        return null;
      case 'ignore':
        return null;
    }
  }

  private handleCandle(c: Candle, closed: boolean | undefined, eventTime: number | undefined): number | null {
    const problem = candleProblem(c, this.tf);
    if (problem) {
      this.st.malformed++;
      this.st.lastError = `malformed candle: ${problem}`;
      return null;
    }
    const t = c.time;
    if (this.lastClosed !== null && t <= this.lastClosed) {
      this.countStale(t === this.lastClosed ? 'duplicatesDropped' : 'outOfOrderDropped');
      return null;
    }
    const open = this.open;
    if (open !== null && t < open.candle.time) {
      this.countStale('outOfOrderDropped');
      return null;
    }
    if (this.needsFill(t)) return t;
    if (closed === true) {
      this.emitClosed(c);
      return null;
    }
    if (open !== null && open.candle.time === t) {
      if (eventTime !== undefined && open.eventTime !== undefined && eventTime < open.eventTime) {
        this.st.outOfOrderDropped++;
        return null;
      }
      if (c.volume < open.candle.volume) {
        this.countStale('outOfOrderDropped'); // volume of a forming candle never shrinks: this is an older update
        return null;
      }
      if (sameCandle(c, open.candle)) {
        this.countStale('duplicatesDropped');
        return null;
      }
    }
    this.open = eventTime !== undefined ? { candle: c, eventTime } : { candle: c };
    this.emit({ candle: c, closed: false });
    return null;
  }

  private handleTrade(e: { time: number; price: number; size: number; id: number }): number | null {
    if (e.id <= this.lastTradeId) {
      if (e.id === this.lastTradeId) this.st.duplicatesDropped++;
      else this.st.outOfOrderDropped++;
      return null;
    }
    const time = bucketStart(e.time, this.tf);
    const o = this.open?.candle;
    const c: Candle =
      o !== undefined && o.time === time
        ? {
            time,
            open: o.open,
            high: Math.max(o.high, e.price),
            low: Math.min(o.low, e.price),
            close: e.price,
            volume: o.volume + e.size,
          }
        : { time, open: e.price, high: e.price, low: e.price, close: e.price, volume: e.size };
    const bound = this.handleCandle(c, undefined, undefined);
    if (bound !== null) return bound;
    this.lastTradeId = e.id;
    return null;
  }

  /** Counts a dropped stream message: as superseded when a later backfill already covered it, else as `kind`. */
  private countStale(kind: 'duplicatesDropped' | 'outOfOrderDropped'): void {
    if (this.currentSeq <= this.backfilledThroughSeq) this.st.supersededDropped++;
    else this.st[kind]++;
  }

  /** A 'next'-close exchange whose clock has passed the open candle's end: confirm that candle through REST. */
  private handleHeartbeat(serverTime: number | undefined): number | null {
    if (serverTime === undefined || this.adapter.closeSignal !== 'next' || this.open === null) return null;
    const slot = bucketStart(serverTime, this.tf);
    if (slot > this.open.candle.time && slot > this.checkedUpTo) return slot;
    return null;
  }

  /** True when slots before `t` may hold candles not yet emitted. */
  private needsFill(t: number): boolean {
    const prev = this.lastClosed ?? (this.open !== null ? this.open.candle.time - this.tfMs : null);
    if (prev === null) return false;
    return t > prev + this.tfMs && t > this.checkedUpTo;
  }

  private emitClosed(c: Candle): void {
    this.lastClosed = c.time;
    this.st.lastClosedTime = c.time;
    this.st.closedCandles++;
    if (this.open !== null && this.open.candle.time <= c.time) this.open = null;
    this.emit({ candle: c, closed: true });
  }

  private emit(u: CandleUpdate): void {
    try {
      this.events.onCandle(u);
    } catch (err) {
      this.st.lastError = `onCandle threw: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  // ---- REST backfill ----------------------------------------------------------------------------------------

  /**
   * Fetches every candle from the last closed one (or `backfillFrom`, or the latest page) up to the present
   * (or at least up to `bound`) and emits it. Rows before `bound` or before the newest row are closed.
   */
  private async fill(bound: number | null): Promise<void> {
    const expect =
      this.adapter.closeSignal === 'next' && bound !== null && this.open !== null && this.open.candle.time < bound
        ? this.open.candle.time
        : null;
    for (let attempt = 0; ; attempt++) {
      const got = await this.collect(bound);
      if (got === null) return; // stopped or rejected
      const confirmed = expect === null || got.rows.some((r) => r.time === expect);
      if (confirmed || attempt >= CONFIRM_RETRIES) {
        this.apply(got.rows, Math.max(bound ?? Number.NEGATIVE_INFINITY, got.confirmedThrough + this.tfMs));
        return;
      }
      // The stream saw this candle but REST does not list it yet: give the exchange a moment.
      await this.sleep(backoffDelay(attempt, this.backoff, this.random));
      if (this.stopped) return;
    }
  }

  private async collect(bound: number | null): Promise<{ rows: Candle[]; confirmedThrough: number } | null> {
    const pageSpan = (this.adapter.restPageLimit - 1) * this.tfMs;
    let cursor: number | undefined =
      this.lastClosed !== null
        ? this.lastClosed + this.tfMs
        : this.backfillFrom === undefined
          ? undefined
          : this.alignUp(this.backfillFrom);
    const rows: Candle[] = [];
    let confirmedThrough = Number.NEGATIVE_INFINITY;
    for (;;) {
      const window: RestWindow = cursor === undefined ? {} : { from: cursor, to: cursor + pageSpan };
      const page = await this.request(window);
      if (page === null) return null;
      if (page.confirmedThrough !== undefined && page.confirmedThrough > confirmedThrough) {
        confirmedThrough = page.confirmedThrough;
      }
      let newest = rows.length > 0 ? rows[rows.length - 1]!.time : Number.NEGATIVE_INFINITY;
      let added = 0;
      for (const c of page.candles) {
        if (cursor !== undefined && c.time < cursor) continue;
        if (c.time <= newest) continue;
        rows.push(c);
        newest = c.time;
        added++;
      }
      if (cursor === undefined || window.to === undefined) break; // latest page only
      const windowEnd = window.to;
      if (added === 0) {
        // Nothing in this window: a hole at the exchange. Step over it only while the stream's candle is ahead.
        if (bound !== null && windowEnd + this.tfMs < bound) {
          cursor = windowEnd + this.tfMs;
          continue;
        }
        break;
      }
      // Continue right after the newest row (a server may cap pages below our window) while the stream's candle
      // is still ahead, or while the page came back full.
      if ((bound !== null && newest < bound) || newest >= windowEnd || added >= this.adapter.restPageLimit) {
        cursor = newest + this.tfMs;
        continue;
      }
      break;
    }
    return { rows, confirmedThrough };
  }

  private alignUp(t: number): number {
    const start = bucketStart(t, this.tf);
    return start < t ? start + this.tfMs : start;
  }

  /** Emits backfilled rows: those before `bound` (a later candle exists) or before the newest row are closed. */
  private apply(rows: readonly Candle[], bound: number): void {
    const newest = rows.length > 0 ? rows[rows.length - 1]!.time : Number.NEGATIVE_INFINITY;
    const closedBefore = Math.max(bound, newest);
    for (const c of rows) {
      const problem = candleProblem(c, this.tf);
      if (problem) {
        this.st.malformed++;
        this.st.lastError = `malformed REST candle: ${problem}`;
        continue;
      }
      if (this.lastClosed !== null && c.time <= this.lastClosed) continue;
      if (c.time < closedBefore) {
        this.emitClosed(c);
      } else if (this.open === null || this.open.candle.time < c.time || c.volume >= this.open.candle.volume) {
        this.open = { candle: c };
        this.emit({ candle: c, closed: false });
      }
    }
    if (closedBefore > this.checkedUpTo) this.checkedUpTo = closedBefore;
    this.backfilledThroughSeq = this.arrivals;
    if (this.open !== null && this.open.candle.time < closedBefore) this.open = null;
    this.emitStatus();
  }

  /** One REST page, retried through rate limits and transient failures; null when stopped or rejected. */
  private async request(window: RestWindow): Promise<RestPage | null> {
    const url = this.adapter.restUrl(this.endpoints.restUrl, this.symbol, this.tf, window);
    for (let attempt = 0; !this.stopped;) {
      const wait = this.lastRequestAt + this.restMinIntervalMs - this.now();
      if (wait > 0) await this.sleep(wait);
      if (this.stopped) return null;
      this.lastRequestAt = this.now();
      this.st.restRequests++;
      const out = await fetchCandles(this.fetchFn, url, this.adapter, this.tf, this.restTimeoutMs, this.now);
      if (this.stopped) return null;
      switch (out.kind) {
        case 'ok':
          return out.page;
        case 'rejected':
          this.fail(out.reason);
          return null;
        case 'rate-limited': {
          this.st.rateLimited++;
          // The server's Retry-After, but never less than our own backoff (a "Retry-After: 0" must not spin).
          const delay = Math.max(out.retryAfterMs ?? 0, backoffDelay(attempt++, this.backoff, this.random));
          this.st.retryAfterMs = out.retryAfterMs ?? delay;
          this.st.lastError = `${out.reason}; retrying in ${Math.round(delay)} ms`;
          this.emitStatus();
          await this.sleep(delay);
          break;
        }
        case 'transient': {
          if (out.malformed) this.st.malformed++;
          else this.st.httpErrors++;
          const delay = backoffDelay(attempt++, this.backoff, this.random);
          this.st.lastError = `${out.reason}; retrying in ${Math.round(delay)} ms`;
          this.emitStatus();
          await this.sleep(delay);
          break;
        }
      }
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private setState(state: FeedState): void {
    if (this.st.state === state) return;
    this.st.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    try {
      this.events.onStatus?.(this.status());
    } catch {
      // a status listener's failure must not stop the feed
    }
  }
}

function sameCandle(a: Candle, b: Candle): boolean {
  return (
    a.time === b.time &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume
  );
}

function stripUndefined(e: Partial<ExchangeEndpoints> | undefined): Partial<ExchangeEndpoints> {
  const out: Partial<ExchangeEndpoints> = {};
  if (e?.restUrl !== undefined) out.restUrl = e.restUrl;
  if (e?.wsUrl !== undefined) out.wsUrl = e.wsUrl;
  return out;
}
