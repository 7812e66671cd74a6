import type { Candle } from '../../core/candles/candle';
import type { Timeframe } from '../../core/candles/timeframe';
import { canonicalSymbol } from '../symbols';
import {
  ExchangeRejection,
  MalformedResponse,
  RateLimitedResponse,
  type ExchangeAdapter,
  type RestPage,
  type RestWindow,
  type WsEvent,
} from '../exchange-types';
import { ascending, candleOf, epochMs, isObject, num, parseJson, trimSlash } from './parse';

const INTERVALS: Partial<Record<Timeframe, string>> = {
  '1m': '1',
  '3m': '3',
  '5m': '5',
  '15m': '15',
  '30m': '30',
  '1h': '60',
  '2h': '120',
  '4h': '240',
  '6h': '360',
  '12h': '720',
  '1d': 'D',
  '1w': 'W',
};

export function bybitInterval(tf: Timeframe): string {
  const i = INTERVALS[tf];
  if (i === undefined) throw new Error(`bybit has no ${tf} klines`);
  return i;
}

/**
 * Bybit v5 spot. REST: GET /v5/market/kline?category=spot (result.list newest first, string fields
 * [start, open, high, low, close, volume, turnover], at most 1000 rows, the newest `limit` rows of [start, end]).
 * Websocket: /v5/public/spot, {"op":"subscribe","args":["kline.<interval>.<symbol>"]}, pushes `data[]` with
 * `confirm` true on the final update; the client must send {"op":"ping"} (every 20 s at most; we send one every 10 s).
 */
export const bybit: ExchangeAdapter = {
  id: 'bybit',
  name: 'Bybit',
  defaultEndpoints: { restUrl: 'https://api.bybit.com', wsUrl: 'wss://stream.bybit.com' },
  timeframes: Object.keys(INTERVALS) as Timeframe[],
  closeSignal: 'flag',
  restPageLimit: 1000,
  restMinIntervalMs: 50, // 600 requests per 5 s per IP
  heartbeat: { intervalMs: 10_000, message: JSON.stringify({ op: 'ping' }) },

  toExchangeSymbol: canonicalSymbol,

  restUrl(restBase: string, symbol: string, tf: Timeframe, w: RestWindow): string {
    const q = new URLSearchParams({ category: 'spot', symbol: canonicalSymbol(symbol), interval: bybitInterval(tf) });
    if (w.from !== undefined) q.set('start', String(w.from));
    if (w.to !== undefined) q.set('end', String(w.to));
    q.set('limit', '1000');
    return `${trimSlash(restBase)}/v5/market/kline?${q.toString()}`;
  },

  parseRest(body: unknown): RestPage {
    if (!isObject(body)) throw new MalformedResponse('bybit kline: expected an object');
    const code = body['retCode'];
    if (code !== 0) {
      const msg = `bybit: ${String(body['retMsg'] ?? code)} (retCode ${String(code)})`;
      if (code === 10006 || code === 10018) throw new RateLimitedResponse(msg);
      if (code === 10000 || code === 10016) throw new MalformedResponse(msg); // server busy / error: retry
      throw new ExchangeRejection(msg);
    }
    const result = body['result'];
    if (!isObject(result) || !Array.isArray(result['list'])) throw new MalformedResponse('bybit kline: no result.list');
    const out: Candle[] = [];
    for (const row of result['list']) {
      if (!Array.isArray(row) || row.length < 6) throw new MalformedResponse('bybit kline: bad row');
      const c = candleOf(epochMs(row[0]), num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]));
      if (!c) throw new MalformedResponse('bybit kline: non-numeric field');
      out.push(c);
    }
    return { candles: ascending(out) };
  },

  wsUrl(wsBase: string): string {
    return `${trimSlash(wsBase)}/v5/public/spot`;
  },

  subscribeMessages(symbol: string, tf: Timeframe): string[] {
    return [JSON.stringify({ op: 'subscribe', args: [`kline.${bybitInterval(tf)}.${canonicalSymbol(symbol)}`] })];
  },

  parseWsMessage(text: string, symbol: string, tf: Timeframe): WsEvent[] {
    const msg = parseJson(text);
    if (!isObject(msg)) return [{ kind: 'malformed', reason: 'not a JSON object' }];
    if (typeof msg['op'] === 'string') {
      if (msg['op'] === 'subscribe' && msg['success'] === false) {
        return [{ kind: 'rejected', reason: `bybit: ${String(msg['ret_msg'] ?? 'subscription refused')}` }];
      }
      return [{ kind: 'heartbeat' }]; // pong or subscription ack
    }
    const topic = msg['topic'];
    if (typeof topic !== 'string') return [{ kind: 'malformed', reason: 'message without topic' }];
    if (topic !== `kline.${bybitInterval(tf)}.${canonicalSymbol(symbol)}`) return [{ kind: 'ignore' }];
    const data = msg['data'];
    if (!Array.isArray(data) || data.length === 0) return [{ kind: 'malformed', reason: 'kline without data' }];
    const events: WsEvent[] = [];
    for (const d of data) {
      if (!isObject(d)) return [{ kind: 'malformed', reason: 'kline data is not an object' }];
      const candle = candleOf(
        epochMs(d['start']),
        num(d['open']),
        num(d['high']),
        num(d['low']),
        num(d['close']),
        num(d['volume']),
      );
      if (!candle || typeof d['confirm'] !== 'boolean')
        return [{ kind: 'malformed', reason: 'kline with missing fields' }];
      const eventTime = epochMs(d['timestamp']);
      events.push({ kind: 'candle', candle, closed: d['confirm'], ...(eventTime !== null ? { eventTime } : {}) });
    }
    return events;
  },

  async listSymbols(restBase: string, fetchFn: typeof fetch): Promise<string[]> {
    const res = await fetchFn(`${trimSlash(restBase)}/v5/market/instruments-info?category=spot`);
    const body = (await res.json()) as unknown;
    const list = isObject(body) && isObject(body['result']) ? body['result']['list'] : undefined;
    if (!Array.isArray(list)) throw new MalformedResponse('bybit instruments-info');
    return list
      .filter((s): s is Record<string, unknown> => isObject(s) && s['status'] === 'Trading')
      .map((s) => String(s['symbol']));
  },
};
