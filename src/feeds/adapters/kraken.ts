import type { Candle } from '../../core/candles/candle';
import { timeframeMs, type Timeframe } from '../../core/candles/timeframe';
import { splitSymbol } from '../symbols';
import {
  ExchangeRejection,
  MalformedResponse,
  RateLimitedResponse,
  type ExchangeAdapter,
  type RestPage,
  type RestWindow,
  type WsEvent,
} from '../exchange-types';
import { ascending, candleOf, epochSec, isObject, isoMs, num, parseJson, trimSlash } from './parse';

/** Kraken intervals in minutes (its weekly and 15-day candles are not Monday-aligned: not offered). */
const INTERVALS: Partial<Record<Timeframe, number>> = {
  '1m': 1,
  '5m': 5,
  '15m': 15,
  '30m': 30,
  '1h': 60,
  '4h': 240,
  '1d': 1440,
};

export function krakenInterval(tf: Timeframe): number {
  const i = INTERVALS[tf];
  if (i === undefined) throw new Error(`kraken has no ${tf} candles`);
  return i;
}

/** Websocket v2 names ("BTC/USD"). */
export function krakenWsSymbol(symbol: string): string {
  const { base, quote } = splitSymbol(symbol);
  return `${base}/${quote}`;
}

/** REST pair names use Kraken's legacy asset codes (XBT for BTC, XDG for DOGE): "XBTUSD". */
export function krakenRestPair(symbol: string): string {
  const { base, quote } = splitSymbol(symbol);
  const legacy = (a: string): string => (a === 'BTC' ? 'XBT' : a === 'DOGE' ? 'XDG' : a);
  return `${legacy(base)}${legacy(quote)}`;
}

/**
 * Kraken spot, websocket v2. REST: GET /0/public/OHLC?pair&interval&since (seconds; rows after `since`, but only
 * among the latest 720 candles; ascending [time(s), open, high, low, close, vwap, volume, count] under the pair
 * key, plus `last`). Websocket: wss://ws.kraken.com/v2, {"method":"subscribe","params":{"channel":"ohlc",...}},
 * "snapshot"/"update" messages generated on trades. There is no "final" flag: a candle is closed once a later
 * one appears (closeSignal 'next'), and its final values are then read from REST.
 */
export const kraken: ExchangeAdapter = {
  id: 'kraken',
  name: 'Kraken',
  defaultEndpoints: { restUrl: 'https://api.kraken.com', wsUrl: 'wss://ws.kraken.com' },
  timeframes: Object.keys(INTERVALS) as Timeframe[],
  closeSignal: 'next',
  restPageLimit: 720,
  restMinIntervalMs: 1000, // public endpoints: about one call per second
  heartbeat: { intervalMs: 10_000, message: JSON.stringify({ method: 'ping' }) },

  toExchangeSymbol: krakenWsSymbol,

  restUrl(restBase: string, symbol: string, tf: Timeframe, w: RestWindow): string {
    const q = new URLSearchParams({ pair: krakenRestPair(symbol), interval: String(krakenInterval(tf)) });
    if (w.from !== undefined) q.set('since', String(Math.floor((w.from - timeframeMs(tf)) / 1000)));
    return `${trimSlash(restBase)}/0/public/OHLC?${q.toString()}`;
  },

  parseRest(body: unknown): RestPage {
    if (!isObject(body)) throw new MalformedResponse('kraken OHLC: expected an object');
    const errors = body['error'];
    if (Array.isArray(errors) && errors.length > 0) {
      const msg = `kraken: ${errors.map(String).join('; ')}`;
      if (errors.some((e) => String(e).includes('Too many requests') || String(e).includes('Rate limit'))) {
        throw new RateLimitedResponse(msg);
      }
      if (errors.some((e) => String(e).startsWith('EService') || String(e).startsWith('EGeneral:Temporary'))) {
        throw new MalformedResponse(msg);
      }
      throw new ExchangeRejection(msg);
    }
    const result = body['result'];
    if (!isObject(result)) throw new MalformedResponse('kraken OHLC: no result');
    const key = Object.keys(result).find((k) => k !== 'last');
    if (key === undefined) return { candles: [] };
    const rows = result[key];
    if (!Array.isArray(rows)) throw new MalformedResponse('kraken OHLC: rows are not an array');
    const out: Candle[] = [];
    for (const row of rows) {
      if (!Array.isArray(row) || row.length < 7) throw new MalformedResponse('kraken OHLC: bad row');
      const c = candleOf(epochSec(row[0]), num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[6]));
      if (!c) throw new MalformedResponse('kraken OHLC: non-numeric field');
      out.push(c);
    }
    const last = epochSec(result['last']);
    return last === null || last <= 0
      ? { candles: ascending(out) }
      : { candles: ascending(out), confirmedThrough: last };
  },

  wsUrl(wsBase: string): string {
    return `${trimSlash(wsBase)}/v2`;
  },

  subscribeMessages(symbol: string, tf: Timeframe): string[] {
    return [
      JSON.stringify({
        method: 'subscribe',
        params: { channel: 'ohlc', symbol: [krakenWsSymbol(symbol)], interval: krakenInterval(tf), snapshot: false },
      }),
    ];
  },

  parseWsMessage(text: string, symbol: string, tf: Timeframe): WsEvent[] {
    const msg = parseJson(text);
    if (!isObject(msg)) return [{ kind: 'malformed', reason: 'not a JSON object' }];
    if (typeof msg['method'] === 'string') {
      if (msg['method'] === 'subscribe' && msg['success'] === false) {
        return [{ kind: 'rejected', reason: `kraken: ${String(msg['error'] ?? 'subscription refused')}` }];
      }
      return [{ kind: 'heartbeat' }]; // pong, subscribe ack
    }
    const channel = msg['channel'];
    if (channel === 'heartbeat' || channel === 'status') return [{ kind: 'heartbeat' }];
    if (channel !== 'ohlc')
      return channel === undefined ? [{ kind: 'malformed', reason: 'no channel' }] : [{ kind: 'ignore' }];
    if (msg['type'] !== 'snapshot' && msg['type'] !== 'update') return [{ kind: 'malformed', reason: 'bad ohlc type' }];
    const data = msg['data'];
    if (!Array.isArray(data) || data.length === 0) return [{ kind: 'malformed', reason: 'ohlc without data' }];
    const want = krakenWsSymbol(symbol);
    const interval = krakenInterval(tf);
    const events: WsEvent[] = [];
    for (const d of data) {
      if (!isObject(d)) return [{ kind: 'malformed', reason: 'ohlc item is not an object' }];
      if (d['symbol'] !== want || d['interval'] !== interval) continue;
      const candle = candleOf(
        isoMs(d['interval_begin']),
        num(d['open']),
        num(d['high']),
        num(d['low']),
        num(d['close']),
        num(d['volume']),
      );
      if (!candle) return [{ kind: 'malformed', reason: 'ohlc item with missing fields' }];
      events.push({ kind: 'candle', candle });
    }
    if (events.length === 0) return [{ kind: 'ignore' }];
    return events.sort((a, b) => (a.kind === 'candle' && b.kind === 'candle' ? a.candle.time - b.candle.time : 0));
  },

  async listSymbols(restBase: string, fetchFn: typeof fetch): Promise<string[]> {
    const res = await fetchFn(`${trimSlash(restBase)}/0/public/AssetPairs`);
    const body = (await res.json()) as unknown;
    if (!isObject(body) || !isObject(body['result'])) throw new MalformedResponse('kraken AssetPairs');
    const out: string[] = [];
    for (const p of Object.values(body['result'])) {
      if (isObject(p) && typeof p['wsname'] === 'string' && p['status'] === 'online') {
        out.push(p['wsname'].replace('/', '').replace(/^XBT/, 'BTC').replace(/^XDG/, 'DOGE'));
      }
    }
    return out;
  },
};
