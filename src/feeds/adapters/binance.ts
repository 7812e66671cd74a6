import type { Candle } from '../../core/candles/candle';
import { TIMEFRAMES, type Timeframe } from '../../core/candles/timeframe';
import { canonicalSymbol } from '../symbols';
import {
  ExchangeRejection,
  MalformedResponse,
  type ExchangeAdapter,
  type RestPage,
  type RestWindow,
  type WsEvent,
} from '../exchange-types';
import { candleOf, epochMs, isObject, num, parseJson, trimSlash } from './parse';

/**
 * Binance spot. REST: GET /api/v3/klines (ascending 12-element rows, prices as strings, at most 1000 rows,
 * the last row may be the still-open candle). Websocket: raw stream /ws/<symbol>@kline_<interval>, one
 * `kline` event per update with `k.x` true on the candle's final update. The server pings (answered by the
 * websocket layer) and cuts every connection after 24 hours.
 */
export const binance: ExchangeAdapter = {
  id: 'binance',
  name: 'Binance',
  defaultEndpoints: { restUrl: 'https://api.binance.com', wsUrl: 'wss://stream.binance.com:9443' },
  timeframes: TIMEFRAMES,
  closeSignal: 'flag',
  restPageLimit: 1000,
  // Request weight 2 per klines call against 6000 per minute: 50 ms spacing stays far below it.
  restMinIntervalMs: 50,
  maxConnectionMs: 24 * 60 * 60 * 1000,

  toExchangeSymbol: canonicalSymbol,

  restUrl(restBase: string, symbol: string, tf: Timeframe, w: RestWindow): string {
    const q = new URLSearchParams({ symbol: canonicalSymbol(symbol), interval: tf });
    if (w.from !== undefined) q.set('startTime', String(w.from));
    if (w.to !== undefined) q.set('endTime', String(w.to));
    q.set('limit', '1000');
    return `${trimSlash(restBase)}/api/v3/klines?${q.toString()}`;
  },

  parseRest(body: unknown): RestPage {
    if (isObject(body) && 'code' in body)
      throw new ExchangeRejection(`binance: ${String(body['msg'] ?? body['code'])}`);
    if (!Array.isArray(body)) throw new MalformedResponse('binance klines: expected an array');
    const out: Candle[] = [];
    for (const row of body) {
      if (!Array.isArray(row) || row.length < 6) throw new MalformedResponse('binance klines: bad row');
      const c = candleOf(epochMs(row[0]), num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]));
      if (!c) throw new MalformedResponse('binance klines: non-numeric field');
      out.push(c);
    }
    return { candles: out };
  },

  wsUrl(wsBase: string, symbol: string, tf: Timeframe): string {
    return `${trimSlash(wsBase)}/ws/${canonicalSymbol(symbol).toLowerCase()}@kline_${tf}`;
  },

  subscribeMessages(): string[] {
    return []; // the stream is named in the URL
  },

  parseWsMessage(text: string, symbol: string, tf: Timeframe): WsEvent[] {
    const msg = parseJson(text);
    if (!isObject(msg)) return [{ kind: 'malformed', reason: 'not a JSON object' }];
    const ev = isObject(msg['data']) ? msg['data'] : msg;
    if (ev['e'] !== 'kline') {
      if ('result' in ev && 'id' in ev) return [{ kind: 'heartbeat' }]; // answer to a request
      if ('code' in ev && 'msg' in ev) return [{ kind: 'rejected', reason: `binance: ${String(ev['msg'])}` }];
      return [{ kind: 'malformed', reason: `unexpected event ${JSON.stringify(ev['e'] ?? null)}` }];
    }
    const k = ev['k'];
    if (!isObject(k)) return [{ kind: 'malformed', reason: 'kline without k' }];
    if (k['i'] !== tf || (k['s'] ?? ev['s']) !== canonicalSymbol(symbol)) return [{ kind: 'ignore' }];
    const candle = candleOf(epochMs(k['t']), num(k['o']), num(k['h']), num(k['l']), num(k['c']), num(k['v']));
    if (!candle || typeof k['x'] !== 'boolean') return [{ kind: 'malformed', reason: 'kline with missing fields' }];
    const eventTime = epochMs(ev['E']);
    return [{ kind: 'candle', candle, closed: k['x'], ...(eventTime !== null ? { eventTime } : {}) }];
  },

  async listSymbols(restBase: string, fetchFn: typeof fetch): Promise<string[]> {
    const res = await fetchFn(`${trimSlash(restBase)}/api/v3/exchangeInfo?permissions=SPOT`);
    const body = (await res.json()) as unknown;
    if (!isObject(body) || !Array.isArray(body['symbols'])) throw new MalformedResponse('binance exchangeInfo');
    const out: string[] = [];
    for (const s of body['symbols']) {
      if (isObject(s) && s['status'] === 'TRADING' && typeof s['symbol'] === 'string') out.push(s['symbol']);
    }
    return out;
  },
};
