import type { Candle } from '../../core/candles/candle';
import { timeframeMs, type Timeframe } from '../../core/candles/timeframe';
import { splitSymbol } from '../symbols';
import {
  MalformedResponse,
  type ExchangeAdapter,
  type RestPage,
  type RestWindow,
  type WsEvent,
} from '../exchange-types';
import { ascending, candleOf, epochSec, isObject, isoMs, num, parseJson, trimSlash } from './parse';

/** Coinbase Exchange candle granularities (seconds); other timeframes are refused. */
const GRANULARITY: Partial<Record<Timeframe, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '6h': 21600,
  '1d': 86400,
};

export function coinbaseGranularity(tf: Timeframe): number {
  const g = GRANULARITY[tf];
  if (g === undefined) throw new Error(`coinbase has no ${tf} candles`);
  return g;
}

export function coinbaseProduct(symbol: string): string {
  const { base, quote } = splitSymbol(symbol);
  return `${base}-${quote}`;
}

/**
 * Coinbase Exchange. REST: GET /products/<BASE-QUOTE>/candles?granularity&start&end (ISO 8601; at most 300 rows,
 * newest first, numbers [time(s), low, high, open, close, volume]; slots without trades are absent).
 * The classic websocket feed has no candle channel, so the stream is the `matches` channel (every trade, with a
 * per-product increasing `trade_id`) plus `heartbeat` (once a second, with server time): the open candle is
 * built from trades, and a candle is final once the stream has moved past it; its final values come from REST
 * (closeSignal 'next'), which are Coinbase's own candles.
 */
export const coinbase: ExchangeAdapter = {
  id: 'coinbase',
  name: 'Coinbase',
  defaultEndpoints: { restUrl: 'https://api.exchange.coinbase.com', wsUrl: 'wss://ws-feed.exchange.coinbase.com' },
  timeframes: Object.keys(GRANULARITY) as Timeframe[],
  closeSignal: 'next',
  restPageLimit: 300,
  restMinIntervalMs: 110, // public endpoints: 10 requests per second
  toExchangeSymbol: coinbaseProduct,

  restUrl(restBase: string, symbol: string, tf: Timeframe, w: RestWindow): string {
    const q = new URLSearchParams({ granularity: String(coinbaseGranularity(tf)) });
    if (w.from !== undefined) {
      q.set('start', new Date(w.from).toISOString());
      q.set('end', new Date(w.to ?? w.from + 299 * timeframeMs(tf)).toISOString());
    }
    return `${trimSlash(restBase)}/products/${coinbaseProduct(symbol)}/candles?${q.toString()}`;
  },

  parseRest(body: unknown): RestPage {
    if (!Array.isArray(body)) throw new MalformedResponse('coinbase candles: expected an array');
    const out: Candle[] = [];
    for (const row of body) {
      if (!Array.isArray(row) || row.length < 6) throw new MalformedResponse('coinbase candles: bad row');
      // [time, low, high, open, close, volume]
      const c = candleOf(epochSec(row[0]), num(row[3]), num(row[2]), num(row[1]), num(row[4]), num(row[5]));
      if (!c) throw new MalformedResponse('coinbase candles: non-numeric field');
      out.push(c);
    }
    return { candles: ascending(out) };
  },

  wsUrl(wsBase: string): string {
    return wsBase;
  },

  subscribeMessages(symbol: string): string[] {
    return [
      JSON.stringify({ type: 'subscribe', product_ids: [coinbaseProduct(symbol)], channels: ['matches', 'heartbeat'] }),
    ];
  },

  parseWsMessage(text: string, symbol: string): WsEvent[] {
    const msg = parseJson(text);
    if (!isObject(msg) || typeof msg['type'] !== 'string')
      return [{ kind: 'malformed', reason: 'not a typed JSON object' }];
    switch (msg['type']) {
      case 'subscriptions':
        return [{ kind: 'heartbeat' }];
      case 'error':
        return [{ kind: 'rejected', reason: `coinbase: ${String(msg['reason'] ?? msg['message'] ?? 'error')}` }];
      case 'heartbeat': {
        if (msg['product_id'] !== coinbaseProduct(symbol)) return [{ kind: 'ignore' }];
        const serverTime = isoMs(msg['time']);
        return [serverTime === null ? { kind: 'heartbeat' } : { kind: 'heartbeat', serverTime }];
      }
      case 'match':
      case 'last_match': {
        if (msg['product_id'] !== coinbaseProduct(symbol)) return [{ kind: 'ignore' }];
        const time = isoMs(msg['time']);
        const price = num(msg['price']);
        const size = num(msg['size']);
        const id = msg['trade_id'];
        if (time === null || price === null || size === null || typeof id !== 'number' || !Number.isSafeInteger(id)) {
          return [{ kind: 'malformed', reason: 'match with missing fields' }];
        }
        if (price <= 0 || size < 0) return [{ kind: 'malformed', reason: 'match with impossible price or size' }];
        return [{ kind: 'trade', time, price, size, id }];
      }
      default:
        return [{ kind: 'ignore' }];
    }
  },

  async listSymbols(restBase: string, fetchFn: typeof fetch): Promise<string[]> {
    const res = await fetchFn(`${trimSlash(restBase)}/products`);
    const body = (await res.json()) as unknown;
    if (!Array.isArray(body)) throw new MalformedResponse('coinbase products');
    return body
      .filter((p): p is Record<string, unknown> => isObject(p) && p['status'] === 'online')
      .map((p) => `${String(p['base_currency'])}${String(p['quote_currency'])}`);
  },
};
