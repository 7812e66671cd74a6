import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../../src/feeds/adapter';
import { ExchangeRejection, MalformedResponse, RateLimitedResponse } from '../../../src/feeds/exchange-types';
import { canonicalSymbol, splitSymbol } from '../../../src/feeds/symbols';

const { binance, coinbase, kraken, bybit, okx } = ADAPTERS;
const T = 1700000040000; // 2023-11-14T22:14:00Z, on the 1m grid

describe('binance adapter', () => {
  it('maps symbol and interval into the REST and websocket URLs', () => {
    expect(binance.restUrl('https://api.binance.com/', 'BTC/USDT', '1h', { from: T, to: T + 3_600_000 })).toBe(
      `https://api.binance.com/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${T}&endTime=${T + 3_600_000}&limit=1000`,
    );
    expect(binance.wsUrl('wss://stream.binance.com:9443', 'BTCUSDT', '1m')).toBe(
      'wss://stream.binance.com:9443/ws/btcusdt@kline_1m',
    );
  });
  it('parses klines rows (strings) into candles', () => {
    const body = [
      [
        T,
        '37000.01000000',
        '37010.00000000',
        '36990.50000000',
        '37005.10000000',
        '12.34500000',
        T + 59_999,
        '456789.1',
        120,
        '6.1',
        '225000.0',
        '0',
      ],
    ];
    expect(binance.parseRest(body, '1m')).toEqual({
      candles: [{ time: T, open: 37000.01, high: 37010, low: 36990.5, close: 37005.1, volume: 12.345 }],
    });
    expect(() => binance.parseRest({ code: -1121, msg: 'Invalid symbol.' }, '1m')).toThrow(ExchangeRejection);
    expect(() => binance.parseRest([[T, 'x', '1', '1', '1', '1']], '1m')).toThrow(MalformedResponse);
  });
  it('parses kline events, open and closed', () => {
    const k = (x: boolean): string =>
      JSON.stringify({
        e: 'kline',
        E: T + 30_000,
        s: 'BTCUSDT',
        k: {
          t: T,
          T: T + 59_999,
          s: 'BTCUSDT',
          i: '1m',
          f: 1,
          L: 2,
          o: '1.5',
          c: '1.7',
          h: '1.8',
          l: '1.4',
          v: '10',
          n: 2,
          x,
          q: '0',
          V: '0',
          Q: '0',
          B: '0',
        },
      });
    expect(binance.parseWsMessage(k(false), 'BTCUSDT', '1m')).toEqual([
      {
        kind: 'candle',
        candle: { time: T, open: 1.5, high: 1.8, low: 1.4, close: 1.7, volume: 10 },
        closed: false,
        eventTime: T + 30_000,
      },
    ]);
    expect(binance.parseWsMessage(k(true), 'BTCUSDT', '1m')[0]).toMatchObject({ kind: 'candle', closed: true });
    expect(binance.parseWsMessage(k(true), 'BTCUSDT', '5m')).toEqual([{ kind: 'ignore' }]);
    expect(binance.parseWsMessage('{"e":"kline","k":{"t":1}}', 'BTCUSDT', '1m')).toEqual([{ kind: 'ignore' }]);
    expect(
      binance.parseWsMessage(
        '{"e":"kline","s":"BTCUSDT","k":{"t":1,"s":"BTCUSDT","i":"1m","o":"1"}}',
        'BTCUSDT',
        '1m',
      )[0]!.kind,
    ).toBe('malformed');
    expect(binance.parseWsMessage('not json', 'BTCUSDT', '1m')[0]!.kind).toBe('malformed');
    expect(binance.parseWsMessage('{"result":null,"id":1}', 'BTCUSDT', '1m')).toEqual([{ kind: 'heartbeat' }]);
  });
});

describe('coinbase adapter', () => {
  it('parses candles [time, low, high, open, close, volume], newest first, into ascending candles', () => {
    const body = [
      [T / 1000 + 60, 2, 5, 3, 4, 7.5],
      [T / 1000, 1, 4, 2, 3, 1.25],
    ];
    expect(coinbase.parseRest(body, '1m').candles).toEqual([
      { time: T, open: 2, high: 4, low: 1, close: 3, volume: 1.25 },
      { time: T + 60_000, open: 3, high: 5, low: 2, close: 4, volume: 7.5 },
    ]);
    expect(() => coinbase.parseRest({ message: 'NotFound' }, '1m')).toThrow(MalformedResponse);
  });
  it('asks for at most 300 candles with ISO times and refuses granularities Coinbase lacks', () => {
    const url = new URL(
      coinbase.restUrl('https://api.exchange.coinbase.com', 'BTCUSD', '5m', { from: T, to: T + 299 * 300_000 }),
    );
    expect(url.pathname).toBe('/products/BTC-USD/candles');
    expect(url.searchParams.get('granularity')).toBe('300');
    expect(Date.parse(url.searchParams.get('start')!)).toBe(T);
    expect((Date.parse(url.searchParams.get('end')!) - T) / 300_000 + 1).toBe(300);
    expect(coinbase.timeframes).not.toContain('4h');
  });
  it('parses match and heartbeat messages, refuses impossible trades', () => {
    const match = {
      type: 'match',
      trade_id: 42,
      maker_order_id: 'a',
      taker_order_id: 'b',
      side: 'sell',
      size: '0.01',
      price: '37000.5',
      product_id: 'BTC-USD',
      sequence: 9,
      time: '2023-11-14T22:14:05.123456Z',
    };
    expect(coinbase.parseWsMessage(JSON.stringify(match), 'BTCUSD', '1m')).toEqual([
      { kind: 'trade', time: T + 5123, price: 37000.5, size: 0.01, id: 42 },
    ]);
    expect(coinbase.parseWsMessage(JSON.stringify({ ...match, price: '-1' }), 'BTCUSD', '1m')[0]!.kind).toBe(
      'malformed',
    );
    expect(coinbase.parseWsMessage(JSON.stringify({ ...match, product_id: 'ETH-USD' }), 'BTCUSD', '1m')).toEqual([
      { kind: 'ignore' },
    ]);
    const hb = {
      type: 'heartbeat',
      sequence: 90,
      last_trade_id: 20,
      product_id: 'BTC-USD',
      time: '2023-11-14T22:15:00.000000Z',
    };
    expect(coinbase.parseWsMessage(JSON.stringify(hb), 'BTCUSD', '1m')).toEqual([
      { kind: 'heartbeat', serverTime: T + 60_000 },
    ]);
    expect(
      coinbase.parseWsMessage(
        '{"type":"error","message":"Failed to subscribe","reason":"BTC-USDX is not a valid product"}',
        'BTCUSD',
        '1m',
      )[0],
    ).toEqual({ kind: 'rejected', reason: 'coinbase: BTC-USDX is not a valid product' });
  });
});

describe('kraken adapter', () => {
  it('uses legacy asset codes for REST and v2 names for the websocket', () => {
    expect(new URL(kraken.restUrl('https://api.kraken.com', 'BTCUSD', '5m', { from: T })).search).toBe(
      `?pair=XBTUSD&interval=5&since=${(T - 300_000) / 1000}`,
    );
    expect(JSON.parse(kraken.subscribeMessages('BTCUSD', '1m')[0]!)).toEqual({
      method: 'subscribe',
      params: { channel: 'ohlc', symbol: ['BTC/USD'], interval: 1, snapshot: false },
    });
  });
  it('parses OHLC rows (volume is column 6) and `last` as the newest committed candle', () => {
    const body = {
      error: [],
      result: { XXBTZUSD: [[T / 1000, '1.0', '2.0', '0.5', '1.5', '1.2', '33.3', 7]], last: T / 1000 },
    };
    expect(kraken.parseRest(body, '1m')).toEqual({
      candles: [{ time: T, open: 1, high: 2, low: 0.5, close: 1.5, volume: 33.3 }],
      confirmedThrough: T,
    });
    expect(() => kraken.parseRest({ error: ['EQuery:Unknown asset pair'] }, '1m')).toThrow(ExchangeRejection);
    expect(() => kraken.parseRest({ error: ['EGeneral:Too many requests'] }, '1m')).toThrow(RateLimitedResponse);
    expect(() => kraken.parseRest({ error: ['EService:Unavailable'] }, '1m')).toThrow(MalformedResponse);
  });
  it('parses v2 ohlc updates (nanosecond RFC 3339), heartbeats and refused subscriptions', () => {
    const msg = {
      channel: 'ohlc',
      type: 'update',
      timestamp: '2023-11-14T22:14:30.524394914Z',
      data: [
        {
          symbol: 'BTC/USD',
          open: 1,
          high: 2,
          low: 0.5,
          close: 1.5,
          trades: 3,
          volume: 4.25,
          vwap: 1.2,
          interval_begin: '2023-11-14T22:14:00.000000000Z',
          interval: 1,
          timestamp: '2023-11-14T22:15:00.000000Z',
        },
      ],
    };
    expect(kraken.parseWsMessage(JSON.stringify(msg), 'BTCUSD', '1m')).toEqual([
      { kind: 'candle', candle: { time: T, open: 1, high: 2, low: 0.5, close: 1.5, volume: 4.25 } },
    ]);
    expect(kraken.parseWsMessage('{"channel":"heartbeat"}', 'BTCUSD', '1m')).toEqual([{ kind: 'heartbeat' }]);
    expect(
      kraken.parseWsMessage(
        '{"method":"subscribe","success":false,"error":"Currency pair not supported"}',
        'BTCUSD',
        '1m',
      )[0]!.kind,
    ).toBe('rejected');
    expect(
      kraken.parseWsMessage(JSON.stringify({ ...msg, data: [{ ...msg.data[0], open: 'x' }] }), 'BTCUSD', '1m')[0]!.kind,
    ).toBe('malformed');
    expect(kraken.closeSignal).toBe('next');
  });
});

describe('bybit adapter', () => {
  it('parses result.list newest first into ascending candles; maps error codes', () => {
    const body = {
      retCode: 0,
      retMsg: 'OK',
      result: {
        category: 'spot',
        symbol: 'BTCUSDT',
        list: [
          [String(T + 60_000), '2', '3', '1', '2.5', '9', '1'],
          [String(T), '1', '2', '0.5', '2', '4', '1'],
        ],
      },
      retExtInfo: {},
      time: 1,
    };
    expect(bybit.parseRest(body, '1m').candles.map((c) => [c.time, c.open, c.volume])).toEqual([
      [T, 1, 4],
      [T + 60_000, 2, 9],
    ]);
    expect(() => bybit.parseRest({ retCode: 10001, retMsg: 'Not supported symbols' }, '1m')).toThrow(ExchangeRejection);
    expect(() => bybit.parseRest({ retCode: 10006, retMsg: 'Too many visits!' }, '1m')).toThrow(RateLimitedResponse);
    expect(bybit.restUrl('https://api.bybit.com', 'BTCUSDT', '1d', { from: T, to: T + 1 })).toContain(
      'interval=D&start=',
    );
  });
  it('parses kline pushes with confirm, pongs and refused subscriptions', () => {
    const push = {
      topic: 'kline.5.BTCUSDT',
      data: [
        {
          start: T,
          end: T + 299_999,
          interval: '5',
          open: '16649.5',
          close: '16677',
          high: '16677',
          low: '16608',
          volume: '2.081',
          turnover: '34666.4005',
          confirm: false,
          timestamp: T + 1000,
        },
      ],
      ts: T + 1000,
      type: 'snapshot',
    };
    expect(bybit.parseWsMessage(JSON.stringify(push), 'BTCUSDT', '5m')).toEqual([
      {
        kind: 'candle',
        candle: { time: T, open: 16649.5, high: 16677, low: 16608, close: 16677, volume: 2.081 },
        closed: false,
        eventTime: T + 1000,
      },
    ]);
    expect(
      bybit.parseWsMessage('{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}', 'BTCUSDT', '5m'),
    ).toEqual([{ kind: 'heartbeat' }]);
    expect(
      bybit.parseWsMessage('{"success":false,"ret_msg":"Invalid topic","op":"subscribe"}', 'BTCUSDT', '5m')[0]!.kind,
    ).toBe('rejected');
    expect(
      bybit.parseWsMessage(
        JSON.stringify({ ...push, data: [{ ...push.data[0], confirm: 'yes' }] }),
        'BTCUSDT',
        '5m',
      )[0]!.kind,
    ).toBe('malformed');
  });
});

describe('okx adapter', () => {
  it('asks history-candles for a window with exclusive after/before and reads `confirm`', () => {
    const url = new URL(okx.restUrl('https://www.okx.com', 'BTCUSDT', '1m', { from: T, to: T + 99 * 60_000 }));
    expect(url.pathname).toBe('/api/v5/market/history-candles');
    expect(url.searchParams.get('before')).toBe(String(T - 1));
    expect(url.searchParams.get('after')).toBe(String(T + 99 * 60_000 + 1));
    expect(url.searchParams.get('instId')).toBe('BTC-USDT');
    expect(okx.restUrl('https://www.okx.com', 'BTCUSDT', '1d', {})).toContain(
      '/api/v5/market/candles?instId=BTC-USDT&bar=1Dutc&limit=300',
    );
    const body = {
      code: '0',
      msg: '',
      data: [
        [String(T + 60_000), '2', '3', '1', '2', '5', '10', '10', '0'],
        [String(T), '1', '2', '1', '2', '4', '8', '8', '1'],
      ],
    };
    expect(okx.parseRest(body, '1m')).toEqual({
      candles: [
        { time: T, open: 1, high: 2, low: 1, close: 2, volume: 4 },
        { time: T + 60_000, open: 2, high: 3, low: 1, close: 2, volume: 5 },
      ],
      confirmedThrough: T,
    });
    expect(() => okx.parseRest({ code: '51001', msg: "Instrument ID doesn't exist.", data: [] }, '1m')).toThrow(
      ExchangeRejection,
    );
    expect(() => okx.parseRest({ code: '50011', msg: 'Too Many Requests', data: [] }, '1m')).toThrow(
      RateLimitedResponse,
    );
  });
  it('parses candle pushes, pong text and error events', () => {
    const push = {
      arg: { channel: 'candle1m', instId: 'BTC-USDT' },
      data: [[String(T), '8533.02', '8553.74', '8527.17', '8548.26', '45247', '529.5858061', '529.58', '1']],
    };
    expect(okx.parseWsMessage(JSON.stringify(push), 'BTCUSDT', '1m')).toEqual([
      {
        kind: 'candle',
        candle: { time: T, open: 8533.02, high: 8553.74, low: 8527.17, close: 8548.26, volume: 45247 },
        closed: true,
      },
    ]);
    expect(okx.parseWsMessage('pong', 'BTCUSDT', '1m')).toEqual([{ kind: 'heartbeat' }]);
    expect(
      okx.parseWsMessage('{"event":"error","code":"60018","msg":"Wrong URL or channel"}', 'BTCUSDT', '1m')[0]!.kind,
    ).toBe('rejected');
    expect(
      okx.parseWsMessage(
        JSON.stringify({ ...push, data: [[String(T), '1', '1', '1', '1', '1', '1', '1', '2']] }),
        'BTCUSDT',
        '1m',
      )[0]!.kind,
    ).toBe('malformed');
  });
});

describe('symbols', () => {
  it('splits canonical and separated symbols', () => {
    expect(splitSymbol('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(splitSymbol('eth-usd')).toEqual({ base: 'ETH', quote: 'USD' });
    expect(splitSymbol('SOL/FDUSD')).toEqual({ base: 'SOL', quote: 'FDUSD' });
    expect(canonicalSymbol('doge_usdt')).toBe('DOGEUSDT');
    expect(() => splitSymbol('BTCXYZ')).toThrow(/cannot tell base and quote apart/);
  });
});
