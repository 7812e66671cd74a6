import type { Candle } from '../../src/core/candles/candle';
import type { Timeframe } from '../../src/core/candles/timeframe';
import type { ExchangeId } from '../../src/feeds/exchange-types';
import { bybitInterval } from '../../src/feeds/adapters/bybit';
import { coinbaseGranularity, coinbaseProduct } from '../../src/feeds/adapters/coinbase';
import { krakenInterval, krakenRestPair, krakenWsSymbol } from '../../src/feeds/adapters/kraken';
import { okxBar, okxInstId } from '../../src/feeds/adapters/okx';
import { canonicalSymbol } from '../../src/feeds/symbols';
import type { Replay, ReplayStep } from './replay';

/** What a protocol sees of the market. */
export interface Market {
  symbol: string;
  timeframe: Timeframe;
  replay: Replay;
}

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** Per-connection state a protocol may keep (subscription). */
export interface SimConnState {
  subscribed: boolean;
  path: string;
}

/** One exchange's wire protocol, server side. */
export interface SimProtocol {
  id: ExchangeId;
  /** Answers a REST request (null: unknown path, 404). */
  rest(url: URL, m: Market): RestAnswer | null;
  /** Called when a websocket connects; may subscribe right away (Binance: stream in the path). */
  onConnect(conn: SimConnState, m: Market): string[];
  /** Replies to a client message; sets conn.subscribed on a valid subscription. */
  onMessage(text: string, conn: SimConnState, m: Market): string[];
  /** Frames for one replay step, for subscribed connections. */
  frames(step: ReplayStep, m: Market, seq: { tradeId: number }): string[];
  /** Frames sent every few steps to show life (heartbeat channels); may carry the virtual time. */
  heartbeat(m: Market): string[];
  /** Garbage a client must count as malformed: an impossible candle in the protocol's own shape. */
  impossibleFrame(m: Market): string;
}

/** Decimal string as exchanges print it: 8 decimals when exact, else the shortest exact form. */
export function dec(n: number): string {
  const fixed = n.toFixed(8);
  return Number(fixed) === n ? fixed : String(n);
}

function int(v: string | null): number | null {
  if (v === null || !/^-?\d+$/.test(v)) return null;
  return Number(v);
}

/** Rows with open time in [from, to] (inclusive), ascending. */
function between(rows: readonly Candle[], from: number, to: number): Candle[] {
  return rows.filter((c) => c.time >= from && c.time <= to);
}

function impossible(m: Market): Candle {
  const t = m.replay.now() - (m.replay.now() % m.replay.tfMs);
  return { time: t, open: 10, high: 5, low: 20, close: 10, volume: 1 }; // high < low
}

// ---- Binance -------------------------------------------------------------------------------------------------

const binance: SimProtocol = {
  id: 'binance',
  rest(url, m) {
    if (url.pathname !== '/api/v3/klines') return null;
    const p = url.searchParams;
    if (p.get('symbol') !== canonicalSymbol(m.symbol))
      return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
    if (p.get('interval') !== m.timeframe) return { status: 400, body: { code: -1120, msg: 'Invalid interval.' } };
    const limit = Math.min(1000, int(p.get('limit')) ?? 500);
    const start = int(p.get('startTime'));
    const end = int(p.get('endTime'));
    const { rows } = m.replay.visible();
    let sel = between(rows, start ?? Number.NEGATIVE_INFINITY, end ?? Number.POSITIVE_INFINITY);
    sel = start !== null ? sel.slice(0, limit) : sel.slice(-limit);
    const tf = m.replay.tfMs;
    return {
      status: 200,
      body: sel.map((c) => [
        c.time,
        dec(c.open),
        dec(c.high),
        dec(c.low),
        dec(c.close),
        dec(c.volume),
        c.time + tf - 1,
        dec(c.volume * c.close),
        100,
        '0',
        '0',
        '0',
      ]),
    };
  },
  onConnect(conn, m) {
    conn.subscribed = conn.path === `/ws/${canonicalSymbol(m.symbol).toLowerCase()}@kline_${m.timeframe}`;
    return [];
  },
  onMessage(text) {
    const msg = safeJson(text) as { id?: unknown } | undefined;
    return msg && 'id' in msg ? [JSON.stringify({ result: null, id: msg.id })] : [];
  },
  frames(s, m) {
    return [binanceKline(s.candle, s.closed, s.time, m)];
  },
  heartbeat() {
    return [];
  },
  impossibleFrame(m) {
    return binanceKline(impossible(m), false, m.replay.now(), m);
  },
};

function binanceKline(c: Candle, closed: boolean, eventTime: number, m: Market): string {
  const symbol = canonicalSymbol(m.symbol);
  return JSON.stringify({
    e: 'kline',
    E: eventTime,
    s: symbol,
    k: {
      t: c.time,
      T: c.time + m.replay.tfMs - 1,
      s: symbol,
      i: m.timeframe,
      f: 100,
      L: 200,
      o: dec(c.open),
      c: dec(c.close),
      h: dec(c.high),
      l: dec(c.low),
      v: dec(c.volume),
      n: 100,
      x: closed,
      q: dec(c.volume * c.close),
      V: '0',
      Q: '0',
      B: '0',
    },
  });
}

// ---- Coinbase ------------------------------------------------------------------------------------------------

const coinbase: SimProtocol = {
  id: 'coinbase',
  rest(url, m) {
    const match = /^\/products\/([^/]+)\/candles$/.exec(url.pathname);
    if (!match) return null;
    if (match[1] !== coinbaseProduct(m.symbol)) return { status: 404, body: { message: 'NotFound' } };
    const g = int(url.searchParams.get('granularity'));
    if (g !== coinbaseGranularity(m.timeframe)) return { status: 400, body: { message: 'Unsupported granularity' } };
    const { rows } = m.replay.visible();
    const startS = url.searchParams.get('start');
    const endS = url.searchParams.get('end');
    let sel: Candle[];
    if (startS !== null && endS !== null) {
      const start = Date.parse(startS);
      const end = Date.parse(endS);
      if (!Number.isFinite(start) || !Number.isFinite(end))
        return { status: 400, body: { message: 'Invalid start or end' } };
      if ((end - start) / m.replay.tfMs + 1 > 300) {
        return {
          status: 400,
          body: {
            message: 'granularity too small for the requested time range. Count of aggregations requested exceeds 300',
          },
        };
      }
      sel = between(rows, start, end);
    } else {
      sel = rows.slice(-300);
    }
    return { status: 200, body: sel.reverse().map((c) => [c.time / 1000, c.low, c.high, c.open, c.close, c.volume]) };
  },
  onConnect() {
    return [];
  },
  onMessage(text, conn, m) {
    const msg = safeJson(text) as { type?: unknown; product_ids?: unknown; channels?: unknown } | undefined;
    if (!msg || msg.type !== 'subscribe')
      return [JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'bad request' })];
    const product = coinbaseProduct(m.symbol);
    if (!Array.isArray(msg.product_ids) || !msg.product_ids.includes(product)) {
      return [
        JSON.stringify({
          type: 'error',
          message: 'Failed to subscribe',
          reason: `${String(msg.product_ids)} is not a valid product`,
        }),
      ];
    }
    conn.subscribed = true;
    return [
      JSON.stringify({
        type: 'subscriptions',
        channels: [
          { name: 'matches', product_ids: [product] },
          { name: 'heartbeat', product_ids: [product] },
        ],
      }),
    ];
  },
  frames(s, m, seq) {
    const out: string[] = [];
    if (s.trade !== null) {
      seq.tradeId++;
      out.push(
        JSON.stringify({
          type: 'match',
          trade_id: seq.tradeId,
          maker_order_id: 'a',
          taker_order_id: 'b',
          side: 'buy',
          size: String(s.trade.size),
          price: String(s.trade.price),
          product_id: coinbaseProduct(m.symbol),
          sequence: seq.tradeId * 10,
          time: new Date(s.candle.time + Math.floor(((s.step - 1) / m.replay.steps) * m.replay.tfMs) + 1).toISOString(),
        }),
      );
    }
    if (s.closed) out.push(...coinbase.heartbeat(m));
    return out;
  },
  heartbeat(m) {
    const t = m.replay.now();
    return [
      JSON.stringify({
        type: 'heartbeat',
        sequence: 1,
        last_trade_id: 1,
        product_id: coinbaseProduct(m.symbol),
        time: new Date(t).toISOString(),
      }),
    ];
  },
  impossibleFrame(m) {
    return JSON.stringify({
      type: 'match',
      trade_id: 1,
      size: '1',
      price: '-5',
      product_id: coinbaseProduct(m.symbol),
      time: new Date(m.replay.now()).toISOString(),
    });
  },
};

// ---- Kraken (websocket v2) -------------------------------------------------------------------------------------

const kraken: SimProtocol = {
  id: 'kraken',
  rest(url, m) {
    if (url.pathname !== '/0/public/OHLC') return null;
    const pair = url.searchParams.get('pair');
    if (pair !== krakenRestPair(m.symbol)) return { status: 200, body: { error: ['EQuery:Unknown asset pair'] } };
    if (int(url.searchParams.get('interval')) !== krakenInterval(m.timeframe)) {
      return { status: 200, body: { error: ['EGeneral:Invalid arguments'] } };
    }
    const since = int(url.searchParams.get('since'));
    const { rows } = m.replay.visible();
    const sel = rows.slice(-720).filter((c) => since === null || c.time > since * 1000);
    const last = m.replay.lastFinishedTime();
    return {
      status: 200,
      body: {
        error: [],
        result: {
          [pair]: sel.map((c) => [
            c.time / 1000,
            dec(c.open),
            dec(c.high),
            dec(c.low),
            dec(c.close),
            dec(c.close),
            dec(c.volume),
            10,
          ]),
          last: last === null ? 0 : last / 1000,
        },
      },
    };
  },
  onConnect() {
    return [
      JSON.stringify({
        channel: 'status',
        type: 'update',
        data: [{ api_version: 'v2', system: 'online', version: 'sim' }],
      }),
    ];
  },
  onMessage(text, conn, m) {
    const msg = safeJson(text) as
      { method?: unknown; params?: { channel?: unknown; symbol?: unknown; interval?: unknown } } | undefined;
    if (msg?.method === 'ping')
      return [
        JSON.stringify({ method: 'pong', time_in: new Date().toISOString(), time_out: new Date().toISOString() }),
      ];
    if (msg?.method !== 'subscribe') return [JSON.stringify({ error: 'Unsupported', success: false })];
    const want = krakenWsSymbol(m.symbol);
    const ok =
      msg.params?.channel === 'ohlc' &&
      Array.isArray(msg.params.symbol) &&
      msg.params.symbol.includes(want) &&
      msg.params.interval === krakenInterval(m.timeframe);
    if (!ok) return [JSON.stringify({ method: 'subscribe', success: false, error: 'Currency pair not supported' })];
    conn.subscribed = true;
    return [
      JSON.stringify({
        method: 'subscribe',
        result: { channel: 'ohlc', symbol: want, interval: krakenInterval(m.timeframe), snapshot: false },
        success: true,
      }),
    ];
  },
  frames(s, m) {
    if (s.trade === null) return []; // updates are generated on trades
    return [krakenOhlc(s.candle, m)];
  },
  heartbeat() {
    return [JSON.stringify({ channel: 'heartbeat' })];
  },
  impossibleFrame(m) {
    return krakenOhlc(impossible(m), m);
  },
};

function krakenOhlc(c: Candle, m: Market): string {
  const iso = (t: number): string => new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return JSON.stringify({
    channel: 'ohlc',
    type: 'update',
    timestamp: iso(m.replay.now()),
    data: [
      {
        symbol: krakenWsSymbol(m.symbol),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        trades: 10,
        volume: c.volume,
        vwap: c.close,
        interval_begin: iso(c.time),
        interval: krakenInterval(m.timeframe),
        timestamp: iso(c.time + m.replay.tfMs),
      },
    ],
  });
}

// ---- Bybit v5 ----------------------------------------------------------------------------------------------------

const bybit: SimProtocol = {
  id: 'bybit',
  rest(url, m) {
    if (url.pathname !== '/v5/market/kline') return null;
    const p = url.searchParams;
    if (
      p.get('category') !== 'spot' ||
      p.get('symbol') !== canonicalSymbol(m.symbol) ||
      p.get('interval') !== bybitInterval(m.timeframe)
    ) {
      return {
        status: 200,
        body: { retCode: 10001, retMsg: 'Not supported symbols', result: {}, retExtInfo: {}, time: Date.now() },
      };
    }
    const limit = Math.min(1000, int(p.get('limit')) ?? 200);
    const { rows } = m.replay.visible();
    const sel = between(
      rows,
      int(p.get('start')) ?? Number.NEGATIVE_INFINITY,
      int(p.get('end')) ?? Number.POSITIVE_INFINITY,
    ).slice(-limit);
    return {
      status: 200,
      body: {
        retCode: 0,
        retMsg: 'OK',
        result: {
          category: 'spot',
          symbol: canonicalSymbol(m.symbol),
          list: sel
            .reverse()
            .map((c) => [
              String(c.time),
              dec(c.open),
              dec(c.high),
              dec(c.low),
              dec(c.close),
              dec(c.volume),
              dec(c.volume * c.close),
            ]),
        },
        retExtInfo: {},
        time: Date.now(),
      },
    };
  },
  onConnect() {
    return [];
  },
  onMessage(text, conn, m) {
    const msg = safeJson(text) as { op?: unknown; args?: unknown; req_id?: unknown } | undefined;
    if (msg?.op === 'ping') return [JSON.stringify({ success: true, ret_msg: 'pong', conn_id: 'sim', op: 'ping' })];
    if (msg?.op !== 'subscribe')
      return [JSON.stringify({ success: false, ret_msg: 'unknown op', conn_id: 'sim', op: String(msg?.op) })];
    const topic = `kline.${bybitInterval(m.timeframe)}.${canonicalSymbol(m.symbol)}`;
    const ok = Array.isArray(msg.args) && msg.args.includes(topic);
    conn.subscribed ||= ok;
    return [
      JSON.stringify({ success: ok, ret_msg: ok ? '' : `Invalid topic`, conn_id: 'sim', req_id: '', op: 'subscribe' }),
    ];
  },
  frames(s, m) {
    return [bybitKline(s.candle, s.closed, s.time, m)];
  },
  heartbeat() {
    return [];
  },
  impossibleFrame(m) {
    return bybitKline(impossible(m), false, m.replay.now(), m);
  },
};

function bybitKline(c: Candle, closed: boolean, ts: number, m: Market): string {
  return JSON.stringify({
    topic: `kline.${bybitInterval(m.timeframe)}.${canonicalSymbol(m.symbol)}`,
    data: [
      {
        start: c.time,
        end: c.time + m.replay.tfMs - 1,
        interval: bybitInterval(m.timeframe),
        open: dec(c.open),
        close: dec(c.close),
        high: dec(c.high),
        low: dec(c.low),
        volume: dec(c.volume),
        turnover: dec(c.volume * c.close),
        confirm: closed,
        timestamp: ts,
      },
    ],
    ts,
    type: 'snapshot',
  });
}

// ---- OKX v5 --------------------------------------------------------------------------------------------------------

const okx: SimProtocol = {
  id: 'okx',
  rest(url, m) {
    const history = url.pathname === '/api/v5/market/history-candles';
    if (!history && url.pathname !== '/api/v5/market/candles') return null;
    const p = url.searchParams;
    if (p.get('instId') !== okxInstId(m.symbol))
      return { status: 200, body: { code: '51001', msg: "Instrument ID doesn't exist.", data: [] } };
    if (p.get('bar') !== okxBar(m.timeframe))
      return { status: 200, body: { code: '51000', msg: 'Parameter bar error', data: [] } };
    const max = history ? 100 : 300;
    const limit = Math.min(max, int(p.get('limit')) ?? 100);
    const after = int(p.get('after')); // older than
    const before = int(p.get('before')); // newer than
    const { rows, formingIndex } = m.replay.visible();
    const forming = formingIndex === null ? null : rows[formingIndex]!.time;
    const sel = rows
      .filter((c) => (after === null || c.time < after) && (before === null || c.time > before))
      .slice(-limit)
      .reverse();
    return {
      status: 200,
      body: {
        code: '0',
        msg: '',
        data: sel.map((c) => [
          String(c.time),
          dec(c.open),
          dec(c.high),
          dec(c.low),
          dec(c.close),
          dec(c.volume),
          dec(c.volume * c.close),
          dec(c.volume * c.close),
          c.time === forming ? '0' : '1',
        ]),
      },
    };
  },
  onConnect() {
    return [];
  },
  onMessage(text, conn, m) {
    if (text === 'ping') return ['pong'];
    const msg = safeJson(text) as { op?: unknown; args?: unknown } | undefined;
    const arg = Array.isArray(msg?.args)
      ? (msg.args[0] as { channel?: unknown; instId?: unknown } | undefined)
      : undefined;
    const channel = `candle${okxBar(m.timeframe)}`;
    if (msg?.op !== 'subscribe' || arg?.channel !== channel || arg.instId !== okxInstId(m.symbol)) {
      return [
        JSON.stringify({
          event: 'error',
          code: '60018',
          msg: `Wrong URL or channel:${String(arg?.channel)}`,
          connId: 'sim',
        }),
      ];
    }
    conn.subscribed = true;
    return [JSON.stringify({ event: 'subscribe', arg: { channel, instId: okxInstId(m.symbol) }, connId: 'sim' })];
  },
  frames(s, m) {
    return [okxCandle(s.candle, s.closed, m)];
  },
  heartbeat() {
    return [];
  },
  impossibleFrame(m) {
    return okxCandle(impossible(m), false, m);
  },
};

function okxCandle(c: Candle, closed: boolean, m: Market): string {
  return JSON.stringify({
    arg: { channel: `candle${okxBar(m.timeframe)}`, instId: okxInstId(m.symbol) },
    data: [
      [
        String(c.time),
        dec(c.open),
        dec(c.high),
        dec(c.low),
        dec(c.close),
        dec(c.volume),
        dec(c.volume * c.close),
        dec(c.volume * c.close),
        closed ? '1' : '0',
      ],
    ],
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const PROTOCOLS: Record<ExchangeId, SimProtocol> = { binance, coinbase, kraken, bybit, okx };
