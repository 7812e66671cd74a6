import type { Candle } from '../../core/candles/candle';
import type { Timeframe } from '../../core/candles/timeframe';
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
import { ascending, candleOf, epochMs, isObject, num, parseJson, trimSlash } from './parse';

/** OKX bar names; 6h and longer use the UTC-aligned variants (plain 6H/12H/1D/1W open at Hong Kong time). */
const BARS: Partial<Record<Timeframe, string>> = {
  '1m': '1m',
  '3m': '3m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1H',
  '2h': '2H',
  '4h': '4H',
  '6h': '6Hutc',
  '12h': '12Hutc',
  '1d': '1Dutc',
  '1w': '1Wutc',
};

export function okxBar(tf: Timeframe): string {
  const b = BARS[tf];
  if (b === undefined) throw new Error(`okx has no ${tf} candles`);
  return b;
}

export function okxInstId(symbol: string): string {
  const { base, quote } = splitSymbol(symbol);
  return `${base}-${quote}`;
}

/**
 * OKX v5. REST: GET /api/v5/market/candles (latest, up to 300 rows) and /api/v5/market/history-candles
 * (windows: `after` = older than, `before` = newer than, both exclusive, at most 100 rows), data newest
 * first as [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]. Websocket: /ws/v5/business,
 * {"op":"subscribe","args":[{"channel":"candle1m","instId":"BTC-USDT"}]}, `confirm` "1" on the final push;
 * the client sends "ping" text frames (the server answers "pong") and the server drops idle connections.
 */
export const okx: ExchangeAdapter = {
  id: 'okx',
  name: 'OKX',
  defaultEndpoints: { restUrl: 'https://www.okx.com', wsUrl: 'wss://ws.okx.com:8443' },
  timeframes: Object.keys(BARS) as Timeframe[],
  closeSignal: 'flag',
  restPageLimit: 100,
  restMinIntervalMs: 110, // history-candles: 20 requests per 2 s
  heartbeat: { intervalMs: 10_000, message: 'ping' },

  toExchangeSymbol: okxInstId,

  restUrl(restBase: string, symbol: string, tf: Timeframe, w: RestWindow): string {
    const q = new URLSearchParams({ instId: okxInstId(symbol), bar: okxBar(tf) });
    if (w.from === undefined) {
      q.set('limit', '300');
      return `${trimSlash(restBase)}/api/v5/market/candles?${q.toString()}`;
    }
    if (w.to !== undefined) q.set('after', String(w.to + 1));
    q.set('before', String(w.from - 1));
    q.set('limit', '100');
    return `${trimSlash(restBase)}/api/v5/market/history-candles?${q.toString()}`;
  },

  parseRest(body: unknown): RestPage {
    if (!isObject(body)) throw new MalformedResponse('okx candles: expected an object');
    const code = body['code'];
    if (code !== '0') {
      const msg = `okx: ${String(body['msg'] || code)} (code ${String(code)})`;
      if (code === '50011' || code === '50061') throw new RateLimitedResponse(msg);
      if (code === '50001' || code === '50004' || code === '50013' || code === '50026')
        throw new MalformedResponse(msg);
      throw new ExchangeRejection(msg);
    }
    const data = body['data'];
    if (!Array.isArray(data)) throw new MalformedResponse('okx candles: no data');
    const candles = ascending(data.map(parseRow));
    let confirmedThrough: number | undefined;
    for (const row of data) {
      const t = Array.isArray(row) && row[8] === '1' ? epochMs(row[0]) : null;
      if (t !== null && (confirmedThrough === undefined || t > confirmedThrough)) confirmedThrough = t;
    }
    return confirmedThrough === undefined ? { candles } : { candles, confirmedThrough };
  },

  wsUrl(wsBase: string): string {
    return `${trimSlash(wsBase)}/ws/v5/business`;
  },

  subscribeMessages(symbol: string, tf: Timeframe): string[] {
    return [JSON.stringify({ op: 'subscribe', args: [{ channel: `candle${okxBar(tf)}`, instId: okxInstId(symbol) }] })];
  },

  parseWsMessage(text: string, symbol: string, tf: Timeframe): WsEvent[] {
    if (text === 'pong') return [{ kind: 'heartbeat' }];
    const msg = parseJson(text);
    if (!isObject(msg)) return [{ kind: 'malformed', reason: 'not a JSON object' }];
    if (typeof msg['event'] === 'string') {
      if (msg['event'] === 'error') return [{ kind: 'rejected', reason: `okx: ${String(msg['msg'] ?? msg['code'])}` }];
      return [{ kind: 'heartbeat' }]; // subscribe ack, notice
    }
    const arg = msg['arg'];
    if (!isObject(arg)) return [{ kind: 'malformed', reason: 'push without arg' }];
    if (arg['channel'] !== `candle${okxBar(tf)}` || arg['instId'] !== okxInstId(symbol)) return [{ kind: 'ignore' }];
    const data = msg['data'];
    if (!Array.isArray(data) || data.length === 0) return [{ kind: 'malformed', reason: 'push without data' }];
    const events: WsEvent[] = [];
    for (const row of data) {
      if (!Array.isArray(row) || row.length < 9 || (row[8] !== '0' && row[8] !== '1')) {
        return [{ kind: 'malformed', reason: 'bad candle row' }];
      }
      const candle = candleOf(epochMs(row[0]), num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]));
      if (!candle) return [{ kind: 'malformed', reason: 'non-numeric candle field' }];
      events.push({ kind: 'candle', candle, closed: row[8] === '1' });
    }
    return ascendingEvents(events);
  },

  async listSymbols(restBase: string, fetchFn: typeof fetch): Promise<string[]> {
    const res = await fetchFn(`${trimSlash(restBase)}/api/v5/public/instruments?instType=SPOT`);
    const body = (await res.json()) as unknown;
    if (!isObject(body) || !Array.isArray(body['data'])) throw new MalformedResponse('okx instruments');
    return body['data']
      .filter((s): s is Record<string, unknown> => isObject(s) && s['state'] === 'live')
      .map((s) => String(s['instId']).replace('-', ''));
  },
};

function parseRow(row: unknown): Candle {
  if (!Array.isArray(row) || row.length < 6) throw new MalformedResponse('okx candles: bad row');
  const c = candleOf(epochMs(row[0]), num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]));
  if (!c) throw new MalformedResponse('okx candles: non-numeric field');
  return c;
}

function ascendingEvents(events: WsEvent[]): WsEvent[] {
  const time = (e: WsEvent): number => (e.kind === 'candle' ? e.candle.time : 0);
  return events.sort((a, b) => time(a) - time(b));
}
