import type { CandleUpdate } from '../core/candles/candle';
import { timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { ADAPTERS } from './adapter';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { CandleSequencer } from './candle-sequencer';
import type { ExchangeAdapter, ExchangeEndpoints, ExchangeId, WsEvent } from './exchange-types';
import type { FeedState, FeedStatus } from './feed-status';
import { feedNetwork, guardFetch, guardWebSocket } from './network-policy';
import { RestBackfill } from './rest-backfill';
import { messageText, WS_OPEN, type WebSocketCtor, type WebSocketLike } from './ws-types';

export type { FeedState, FeedStatus } from './feed-status';

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

type QueuedEvent = WsEvent | { kind: 'resync' };

/**
 * The reliability engine behind every exchange adapter: a thin socket session that wires two parts together.
 * It opens the exchange's websocket and subscribes, queues every event in arrival order, and hands each one to
 * the `CandleSequencer` (candle-sequencer.ts: ordering, de-duplication, gap detection; pure), which says what
 * to emit and when history must be filled first; the `RestBackfill` (rest-backfill.ts: paginated, rate-limited,
 * Retry-After honoured) returns those rows, and the sequencer decides which of them to emit.
 *
 * A closed socket, a stale stream or the exchange's connection age limit leads to a reconnect with exponential
 * backoff and jitter, followed by a REST backfill from the last closed candle.
 */
export class LiveFeed {
  private readonly adapter: ExchangeAdapter;
  private readonly tf: Timeframe;
  private readonly symbol: string;
  private readonly endpoints: ExchangeEndpoints;
  private readonly WS: WebSocketCtor | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly staleMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxConnectionMs: number | null;
  private readonly backfillFrom: number | undefined;
  private readonly st: FeedStatus;
  private readonly sequencer: CandleSequencer;
  private readonly rest: RestBackfill;

  private queue: { e: QueuedEvent; seq: number }[] = [];
  private arrivals = 0;
  private qHead = 0;
  private pumping = false;
  private resyncQueued = false;
  private stopped = true;
  private ws: WebSocketLike | null = null;
  private epoch = 0;
  private connectAttempt = 0;
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
    this.symbol = options.symbol;
    // Every request of the feed goes through the network policy: the exchange's origins or a loopback override.
    const net = feedNetwork(adapter, stripUndefined(options.endpoints));
    this.endpoints = net.endpoints;
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    this.WS = WS && guardWebSocket(net.policy, WS);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.staleMs = options.staleMs ?? defaultStaleMs(options.timeframe);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
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
    this.sequencer = new CandleSequencer(options.timeframe, adapter.closeSignal, this.st);
    this.rest = new RestBackfill(
      {
        adapter,
        endpoints: this.endpoints,
        symbol: options.symbol,
        timeframe: options.timeframe,
        fetch: guardFetch(net.policy, options.fetch ?? ((input, init) => globalThis.fetch(input, init))),
        now: this.now,
        random: this.random,
        backoff: this.backoff,
        minIntervalMs: options.restMinIntervalMs ?? adapter.restMinIntervalMs,
        timeoutMs: options.restTimeoutMs ?? 15_000,
      },
      this.st,
      {
        stopped: () => this.stopped,
        sleep: (ms) => this.sleep(ms),
        fail: (reason) => this.fail(reason),
        changed: () => this.emitStatus(),
      },
    );
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
        let bound = this.handle(e, seq);
        for (let guard = 0; bound !== null && !this.stopped && guard < 2; guard++) {
          await this.fill(bound);
          bound = this.handle(e, seq);
        }
      }
    } catch (err) {
      this.fail(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.pumping = false;
    }
  }

  /** Applies one stream event; returns a time when history up to it must be filled from REST first. */
  private handle(e: WsEvent, seq: number): number | null {
    const step = this.sequencer.onEvent(e, seq);
    if (step.rejected !== undefined) {
      this.fail(step.rejected);
      return null;
    }
    for (const u of step.emit) this.emit(u);
    return step.backfillTo;
  }

  private emit(u: CandleUpdate): void {
    try {
      this.events.onCandle(u);
    } catch (err) {
      this.st.lastError = `onCandle threw: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * Fetches every candle from the last closed one (or `backfillFrom`, or the latest page) up to the present
   * (or at least up to `bound`) and emits what the sequencer accepts of it.
   */
  private async fill(bound: number | null): Promise<void> {
    const got = await this.rest.fill(this.sequencer.backfillPlan(bound, this.backfillFrom), bound);
    if (got === null) return; // stopped or rejected
    const tfMs = timeframeMs(this.tf);
    const closedBound = Math.max(bound ?? Number.NEGATIVE_INFINITY, got.confirmedThrough + tfMs);
    for (const u of this.sequencer.applyBackfill(got.rows, closedBound, this.arrivals)) this.emit(u);
    this.emitStatus();
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

function stripUndefined(e: Partial<ExchangeEndpoints> | undefined): Partial<ExchangeEndpoints> {
  const out: Partial<ExchangeEndpoints> = {};
  if (e?.restUrl !== undefined) out.restUrl = e.restUrl;
  if (e?.wsUrl !== undefined) out.wsUrl = e.wsUrl;
  return out;
}
