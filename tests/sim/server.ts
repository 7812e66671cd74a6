import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Candle } from '../../src/core/candles/candle';
import { isTimeframe, TIMEFRAMES, timeframeMs, type Timeframe } from '../../src/core/candles/timeframe';
import type { ExchangeId } from '../../src/feeds/exchange-types';
import { parseCandlesCsv } from '../../src/feeds/csv';
import { PROTOCOLS, type Market, type RestAnswer, type SimConnState, type SimProtocol } from './protocols';
import { Replay, type ReplayStep } from './replay';

/** Public exchange APIs answer browsers from any origin (and let them read Retry-After); so does the simulator. */
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'retry-after' };

export const FAULT_KINDS = [
  'disconnect',
  'close',
  'garbage',
  'duplicate',
  'out-of-order',
  'stall',
  'http429',
  'http418',
  'http5xx',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SimulatorOptions {
  exchange: ExchangeId;
  candles: readonly Candle[];
  symbol: string;
  timeframe: Timeframe;
  /** Candles already in the past when the replay starts (REST history). Default 0. */
  startIndex?: number;
  /** Replay speed in candles per real second. Default 500. */
  candlesPerSecond?: number;
  /** Updates per candle (the last one closes it). Default 4. */
  steps?: number;
  /** Start the clock at the first websocket subscription instead of at listen. Default true. */
  startOnSubscribe?: boolean;
  /** Inject faults automatically: one of `kinds` (round robin) every `everyCandles` candles. */
  faults?: { kinds: readonly FaultKind[]; everyCandles: number };
  /** Cap REST answers below the exchange's own page limit (servers that answer fewer rows than asked). */
  maxRestRows?: number;
  /** Seconds sent in Retry-After with 429 / 418. Default 1. */
  retryAfterSec?: number;
  port?: number;
}

/** How many faults actually reached a client (a REST fault counts when a request was answered with it). */
export type FaultCounts = Record<FaultKind, number> & {
  garbageFrames: number;
  duplicateFrames: number;
  swappedFrames: number;
};

interface Conn extends SimConnState {
  socket: WebSocket;
  stalled: boolean;
  duplicateNext: number;
  swapNext: number;
  held: string | null;
}

/**
 * A local exchange on 127.0.0.1: serves one exchange's REST and websocket protocol, replays real candles on an
 * accelerated clock, and injects faults on demand or on a schedule.
 */
export class ExchangeSimulator {
  readonly protocol: SimProtocol;
  readonly market: Market;
  readonly counts: FaultCounts;
  restRequests = 0;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly restFaults: FaultKind[] = [];
  private readonly opts: Required<Omit<SimulatorOptions, 'faults' | 'port'>> & Pick<SimulatorOptions, 'faults'>;
  private readonly seq = { tradeId: 1000 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private startedAt: number | null = null;
  private stepsDone = 0;
  private nextFault = 0;
  private lastFaultCandle = 0;
  private port = 0;
  private readonly requestedPort: number;
  private lastRestFaulted = false;
  private lastRateLimitAt = Number.NEGATIVE_INFINITY;
  private resolveDone: (() => void) | null = null;
  /** Resolves when every candle has been replayed. */
  readonly done: Promise<void>;

  constructor(options: SimulatorOptions) {
    this.opts = {
      exchange: options.exchange,
      candles: options.candles,
      symbol: options.symbol,
      timeframe: options.timeframe,
      startIndex: options.startIndex ?? 0,
      candlesPerSecond: options.candlesPerSecond ?? 500,
      steps: options.steps ?? 4,
      startOnSubscribe: options.startOnSubscribe ?? true,
      faults: options.faults,
      retryAfterSec: options.retryAfterSec ?? 1,
      maxRestRows: options.maxRestRows ?? Number.POSITIVE_INFINITY,
    };
    this.protocol = PROTOCOLS[options.exchange];
    const replay = new Replay(options.candles, options.timeframe, this.opts.steps, this.opts.startIndex);
    this.market = { symbol: options.symbol, timeframe: options.timeframe, replay };
    this.counts = Object.assign(Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, {
      garbageFrames: 0,
      duplicateFrames: 0,
      swappedFrames: 0,
    });
    this.lastFaultCandle = this.opts.startIndex;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.server = createServer((req, res) => this.onRest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
    this.requestedPort = options.port ?? 0;
  }

  async listen(): Promise<{ port: number; restUrl: string; wsUrl: string }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.requestedPort, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    if (!this.opts.startOnSubscribe) this.startClock();
    return this.urls();
  }

  urls(): { port: number; restUrl: string; wsUrl: string } {
    const base = `127.0.0.1:${this.port}`;
    return {
      port: this.port,
      restUrl: `http://${base}`,
      wsUrl: this.opts.exchange === 'binance' ? `ws://${base}` : `ws://${base}/ws`,
    };
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const c of this.conns) c.socket.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Injects one fault now (REST faults wait for the next REST request). */
  inject(kind: FaultKind): void {
    switch (kind) {
      case 'disconnect':
        for (const c of this.liveConns()) {
          c.socket.terminate(); // abrupt: no close frame
          this.counts.disconnect++;
        }
        break;
      case 'close':
        for (const c of this.liveConns()) {
          c.socket.close(1000, 'connection age limit'); // like Binance's 24-hour cut
          this.counts.close++;
        }
        break;
      case 'garbage':
        for (const c of this.liveConns()) {
          const frames = ['\u0000\u0001 not json {', this.protocol.impossibleFrame(this.market), '{"truncated": [1, 2'];
          for (const f of frames) c.socket.send(f);
          this.counts.garbage++;
          this.counts.garbageFrames += frames.length;
        }
        break;
      case 'duplicate':
        for (const c of this.liveConns()) c.duplicateNext = 6;
        this.counts.duplicate++;
        break;
      case 'out-of-order':
        for (const c of this.liveConns()) c.swapNext = 3;
        this.counts['out-of-order']++;
        break;
      case 'stall':
        for (const c of this.liveConns()) c.stalled = true; // silent until the client gives up on it
        this.counts.stall++;
        break;
      case 'http429':
      case 'http418':
      case 'http5xx':
        this.restFaults.push(kind);
        break;
    }
  }

  connections(): number {
    return this.conns.size;
  }

  private liveConns(): Conn[] {
    return [...this.conns].filter((c) => c.subscribed && !c.stalled && c.socket.readyState === c.socket.OPEN);
  }

  private startClock(): void {
    if (this.timer !== null || this.startedAt !== null) return;
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), 2);
  }

  private tick(): void {
    if (this.startedAt === null) return;
    const target = Math.floor(
      ((performance.now() - this.startedAt) / 1000) * this.opts.candlesPerSecond * this.opts.steps,
    );
    let budget = 200;
    while (this.stepsDone < target && budget-- > 0) {
      const step = this.market.replay.advance();
      if (step === null) {
        this.finish();
        return;
      }
      this.stepsDone++;
      this.broadcast(step);
      if (step.closed) this.maybeFault(step.index);
    }
    if (this.market.replay.done) this.finish();
  }

  private finish(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // keep the stream alive after the end (heartbeats only) so clients settle
    this.timer = setInterval(() => {
      for (const c of this.conns)
        if (c.subscribed && !c.stalled) for (const f of this.protocol.heartbeat(this.market)) c.socket.send(f);
    }, 50);
    this.resolveDone?.();
    this.resolveDone = null;
  }

  private maybeFault(index: number): void {
    const f = this.opts.faults;
    if (!f || f.kinds.length === 0 || index - this.lastFaultCandle < f.everyCandles) return;
    const kind = f.kinds[this.nextFault % f.kinds.length]!;
    const restFault = kind === 'http429' || kind === 'http418' || kind === 'http5xx';
    if (!restFault && this.liveConns().length === 0) return; // nobody to hit (reconnecting): try again next candle
    this.lastFaultCandle = index;
    this.nextFault++;
    this.inject(kind);
  }

  private broadcast(step: ReplayStep): void {
    const frames = this.protocol.frames(step, this.market, this.seq);
    const beat = step.closed && step.index % 5 === 0 ? this.protocol.heartbeat(this.market) : [];
    for (const c of this.conns) {
      if (!c.subscribed || c.stalled || c.socket.readyState !== c.socket.OPEN) continue;
      for (const f of frames) this.sendStream(c, f);
      for (const f of beat) c.socket.send(f);
    }
  }

  /** Sends a stream frame through the connection's pending duplicate / swap faults. */
  private sendStream(c: Conn, frame: string): void {
    if (c.swapNext > 0) {
      if (c.held === null) {
        c.held = frame;
        return;
      }
      c.socket.send(frame);
      c.socket.send(c.held);
      c.held = null;
      c.swapNext--;
      this.counts.swappedFrames++;
      return;
    }
    c.socket.send(frame);
    if (c.duplicateNext > 0) {
      c.socket.send(frame);
      c.duplicateNext--;
      this.counts.duplicateFrames++;
    }
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const conn: Conn = {
      socket,
      subscribed: false,
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      stalled: false,
      duplicateNext: 0,
      swapNext: 0,
      held: null,
    };
    this.conns.add(conn);
    socket.on('close', () => this.conns.delete(conn));
    socket.on('error', () => this.conns.delete(conn));
    const send = (frames: string[]): void => {
      if (!conn.stalled) for (const f of frames) socket.send(f);
    };
    send(this.protocol.onConnect(conn, this.market));
    if (conn.subscribed) this.startClockIfWanted();
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      const was = conn.subscribed;
      send(this.protocol.onMessage(text, conn, this.market));
      if (!was && conn.subscribed) this.startClockIfWanted();
    });
  }

  private startClockIfWanted(): void {
    if (this.opts.startOnSubscribe) this.startClock();
  }

  /**
   * The REST fault to answer with, if any. A fault answer is always followed by a good one (a client's retry is not
   * met by the next queued fault), and a 429/418 is not repeated within two Retry-After periods: rate limits are
   * occasional, so a fast replay cannot turn them into one endless wait.
   */
  private takeRestFault(): FaultKind | undefined {
    if (this.lastRestFaulted) {
      this.lastRestFaulted = false;
      return undefined;
    }
    const now = performance.now();
    const i = this.restFaults.findIndex(
      (k) => k === 'http5xx' || now - this.lastRateLimitAt >= 2000 * this.opts.retryAfterSec,
    );
    if (i < 0) return undefined;
    const [kind] = this.restFaults.splice(i, 1);
    if (kind === 'http429' || kind === 'http418') this.lastRateLimitAt = now;
    this.lastRestFaulted = true;
    return kind;
  }

  private onRest(req: IncomingMessage, res: ServerResponse): void {
    this.restRequests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fault = this.takeRestFault();
    if (fault !== undefined) {
      this.counts[fault]++;
      if (fault === 'http5xx') {
        res.writeHead(503, { ...CORS, 'content-type': 'text/html' });
        res.end('<html><body>503 Service Temporarily Unavailable</body></html>');
        return;
      }
      const status = fault === 'http418' ? 418 : 429;
      res.writeHead(status, {
        ...CORS,
        'content-type': 'application/json',
        'retry-after': String(this.opts.retryAfterSec),
      });
      res.end(
        JSON.stringify({ code: -1003, msg: 'Too many requests; current limit is 6000 request weight per 1 MINUTE.' }),
      );
      return;
    }
    let answer;
    try {
      answer = this.protocol.rest(url, this.market);
      if (answer !== null && Number.isFinite(this.opts.maxRestRows)) answer = capRows(answer, this.opts.maxRestRows);
    } catch (err) {
      answer = { status: 400, body: { message: err instanceof Error ? err.message : String(err) } };
    }
    if (answer === null) {
      res.writeHead(404, { ...CORS, 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'NotFound' }));
      return;
    }
    res.writeHead(answer.status, { ...CORS, 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }
}

/** Keeps the first `max` rows of an answer whose rows are a top-level array (Binance, Coinbase). */
function capRows(answer: RestAnswer, max: number): RestAnswer {
  return Array.isArray(answer.body) ? { ...answer, body: answer.body.slice(0, max) } : answer;
}

// ---- standalone: npx tsx tests/sim/server.ts --exchange binance --file <csv> [--port N] [--speed X] ----------

function parseCli(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`option ${a} needs a value`);
    out.set(a.slice(2), v);
    i++;
  }
  return out;
}

/** Timeframe from a file name like binance_BTCUSDT_1m_2021-04.csv, else from the spacing of the candles. */
function guessTimeframe(file: string, candles: readonly Candle[]): Timeframe {
  const fromName = basename(file).split('_')[2];
  if (fromName !== undefined && isTimeframe(fromName)) return fromName;
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < candles.length; i++) step = Math.min(step, candles[i]!.time - candles[i - 1]!.time);
  const tf = TIMEFRAMES.find((t) => timeframeMs(t) === step);
  if (!tf) throw new Error(`cannot tell the timeframe of ${file} (pass --interval)`);
  return tf;
}

async function mainCli(argv: readonly string[]): Promise<void> {
  const a = parseCli(argv);
  const file = a.get('file');
  if (!file)
    throw new Error(
      'usage: server.ts --exchange E --file CSV [--symbol S] [--interval I] [--port N] [--speed CANDLES_PER_S] [--start-index N] [--steps N] [--faults k1,k2 --fault-every N] [--retry-after S]',
    );
  const exchange = (a.get('exchange') ?? 'binance') as ExchangeId;
  if (!(exchange in PROTOCOLS)) throw new Error(`unknown exchange "${exchange}"`);
  const candles = parseCandlesCsv(readFileSync(file, 'utf8'), { source: file });
  const interval = a.get('interval');
  const timeframe = interval !== undefined && isTimeframe(interval) ? interval : guessTimeframe(file, candles);
  const symbol = a.get('symbol') ?? basename(file).split('_')[1] ?? 'BTCUSDT';
  const kinds = (a.get('faults') ?? '').split(',').filter((k) => k !== '');
  for (const k of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new Error(`unknown fault "${k}" (one of ${FAULT_KINDS.join(', ')})`);
  const num = (name: string): number | undefined => (a.has(name) ? Number(a.get(name)) : undefined);
  const sim = new ExchangeSimulator({
    exchange,
    candles,
    symbol,
    timeframe,
    ...(num('port') !== undefined ? { port: num('port')! } : {}),
    ...(num('speed') !== undefined ? { candlesPerSecond: num('speed')! } : {}),
    ...(num('start-index') !== undefined ? { startIndex: num('start-index')! } : {}),
    ...(num('steps') !== undefined ? { steps: num('steps')! } : {}),
    ...(num('retry-after') !== undefined ? { retryAfterSec: num('retry-after')! } : {}),
    ...(kinds.length > 0 ? { faults: { kinds: kinds as FaultKind[], everyCandles: num('fault-every') ?? 200 } } : {}),
  });
  const urls = await sim.listen();
  process.stdout.write(`${JSON.stringify({ ...urls, exchange, symbol, timeframe, candles: candles.length })}\n`);
  const shutdown = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mainCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
