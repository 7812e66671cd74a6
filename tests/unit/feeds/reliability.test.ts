import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { backoffDelay, parseRetryAfter } from '../../../src/feeds/backoff';
import { ADAPTERS } from '../../../src/feeds/adapter';
import { defaultStaleMs, LiveFeed } from '../../../src/feeds/live-feed';
import { fetchCandles } from '../../../src/feeds/rest-client';
import type { WebSocketCtor } from '../../../src/feeds/ws-types';
import { ExchangeSimulator } from '../../sim/server';

function series(n: number, t0 = Date.UTC(2024, 0, 1)): Candle[] {
  return Array.from({ length: n }, (_, i) => ({
    time: t0 + i * 60_000,
    open: 100 + i,
    high: 102 + i,
    low: 99 + i,
    close: 101 + i,
    volume: 1 + (i % 7),
  }));
}

function reply(status: number, body: string, headers: Record<string, string> = {}): typeof fetch {
  return (() => Promise.resolve(new Response(body, { status, headers }))) as typeof fetch;
}

describe('backoff and Retry-After', () => {
  it('grows exponentially up to the cap, with jitter inside [cap/2, cap]', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, p, () => 0)).toBe(50);
    expect(backoffDelay(0, p, () => 1)).toBe(100);
    expect(backoffDelay(3, p, () => 0.5)).toBe(600); // cap 800
    expect(backoffDelay(30, p, () => 1)).toBe(1000);
  });
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', 0)).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });
  it('classifies REST answers: 429/418 with Retry-After, 5xx, rejections, garbage', async () => {
    const a = ADAPTERS.binance;
    const now = (): number => 0;
    expect(
      await fetchCandles(reply(429, '{"code":-1003}', { 'retry-after': '3' }), 'http://x', a, '1m', 1000, now),
    ).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 3000 });
    expect(
      await fetchCandles(reply(418, '{"code":-1003}', { 'retry-after': '120' }), 'http://x', a, '1m', 1000, now),
    ).toMatchObject({ kind: 'rate-limited', status: 418, retryAfterMs: 120_000 });
    expect(await fetchCandles(reply(503, '<html>'), 'http://x', a, '1m', 1000, now)).toMatchObject({
      kind: 'transient',
      status: 503,
      malformed: false,
    });
    expect(
      await fetchCandles(reply(400, '{"code":-1121,"msg":"Invalid symbol."}'), 'http://x', a, '1m', 1000, now),
    ).toMatchObject({ kind: 'rejected', status: 400 });
    expect(await fetchCandles(reply(200, '[[1,2'), 'http://x', a, '1m', 1000, now)).toMatchObject({
      kind: 'transient',
      malformed: true,
    });
    const okxBusy = await fetchCandles(
      reply(200, '{"code":"50011","msg":"Too Many Requests","data":[]}'),
      'http://x',
      ADAPTERS.okx,
      '1m',
      1000,
      now,
    );
    expect(okxBusy).toMatchObject({ kind: 'rate-limited', retryAfterMs: null });
    const hang = (() =>
      new Promise<Response>((_, reject) => setTimeout(() => reject(new Error('aborted')), 50))) as typeof fetch;
    expect(await fetchCandles(hang, 'http://x', a, '1m', 10, now)).toMatchObject({ kind: 'transient', status: null });
  });
});

describe('LiveFeed', () => {
  it('refuses timeframes the exchange does not serve, naming the supported ones', () => {
    expect(
      () => new LiveFeed({ exchange: 'coinbase', symbol: 'BTCUSD', timeframe: '4h' }, { onCandle: () => undefined }),
    ).toThrow('Coinbase has no 4h candles (supported: 1m, 5m, 15m, 1h, 6h, 1d)');
  });

  it('uses a timeframe-aware stale timeout', () => {
    expect(defaultStaleMs('1m')).toBe(10_000);
    expect(defaultStaleMs('5m')).toBe(50_000);
    expect(defaultStaleMs('1d')).toBe(60_000);
  });

  it('waits the Retry-After of a 429 before asking again, then loses nothing', async () => {
    const candles = series(400);
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 200,
      candlesPerSecond: 400,
      retryAfterSec: 1,
    });
    sim.inject('http429'); // the very first REST request is refused
    const urls = await sim.listen();
    const requestTimes: number[] = [];
    const closed: Candle[] = [];
    const feed = new LiveFeed(
      {
        exchange: 'binance',
        symbol: 'BTCUSDT',
        timeframe: '1m',
        endpoints: urls,
        WebSocket: WebSocket as unknown as WebSocketCtor,
        backfillFrom: candles[0]!.time,
        fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
          requestTimes.push(performance.now());
          return fetch(input, init);
        }) as typeof fetch,
        staleMs: 300,
        backoff: { baseMs: 10, maxMs: 50 },
        restMinIntervalMs: 0,
      },
      { onCandle: (u) => (u.closed ? closed.push(u.candle) : undefined) },
    );
    try {
      feed.start();
      await sim.done;
      for (let i = 0; i < 200 && closed.length < candles.length; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      feed.stop();
      await sim.close();
    }
    expect(sim.counts.http429).toBe(1);
    expect(feed.status().rateLimited).toBe(1);
    expect(feed.status().retryAfterMs).toBe(1000);
    expect(requestTimes.length).toBeGreaterThanOrEqual(2);
    expect(requestTimes[1]! - requestTimes[0]!).toBeGreaterThanOrEqual(990);
    expect(closed).toEqual(candles.slice(0, closed.length));
    expect(closed.length).toBeGreaterThanOrEqual(candles.length - 1);
  });

  it("reconnects by itself before the exchange's connection age limit (Binance 24 h), losing nothing", async () => {
    const candles = series(600);
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 50,
      candlesPerSecond: 400,
    });
    const urls = await sim.listen();
    const closed: Candle[] = [];
    const feed = new LiveFeed(
      {
        exchange: 'binance',
        symbol: 'BTCUSDT',
        timeframe: '1m',
        endpoints: urls,
        WebSocket: WebSocket as unknown as WebSocketCtor,
        backfillFrom: candles[0]!.time,
        staleMs: 300,
        backoff: { baseMs: 10, maxMs: 50 },
        restMinIntervalMs: 0,
        maxConnectionMs: 200,
      },
      { onCandle: (u) => (u.closed ? closed.push(u.candle) : undefined) },
    );
    try {
      feed.start();
      await sim.done;
      for (let i = 0; i < 200 && closed.length < candles.length; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      feed.stop();
      await sim.close();
    }
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(3);
    expect(closed).toEqual(candles.slice(0, closed.length));
    expect(closed.length).toBeGreaterThanOrEqual(candles.length - 1);
  });

  it('backfills completely from a server that answers fewer rows than asked (300 of 1000)', async () => {
    const candles = series(2500);
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 2200,
      candlesPerSecond: 300,
      maxRestRows: 300,
    });
    const urls = await sim.listen();
    const closed: Candle[] = [];
    const feed = new LiveFeed(
      {
        exchange: 'binance',
        symbol: 'BTCUSDT',
        timeframe: '1m',
        endpoints: urls,
        WebSocket: WebSocket as unknown as WebSocketCtor,
        backfillFrom: candles[0]!.time,
        staleMs: 300,
        backoff: { baseMs: 10, maxMs: 50 },
        restMinIntervalMs: 0,
      },
      { onCandle: (u) => (u.closed ? closed.push(u.candle) : undefined) },
    );
    try {
      feed.start();
      await sim.done;
      for (let i = 0; i < 200 && closed.length < candles.length; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      feed.stop();
      await sim.close();
    }
    expect(closed).toEqual(candles.slice(0, closed.length));
    expect(closed.length).toBeGreaterThanOrEqual(candles.length - 1);
  });

  it('goes to the error state with the exchange message when the symbol is refused', async () => {
    const sim = new ExchangeSimulator({ exchange: 'okx', candles: series(10), symbol: 'BTCUSDT', timeframe: '1m' });
    const urls = await sim.listen();
    const states: string[] = [];
    const feed = new LiveFeed(
      {
        exchange: 'okx',
        symbol: 'NOPEUSDT',
        timeframe: '1m',
        endpoints: urls,
        WebSocket: WebSocket as unknown as WebSocketCtor,
        restMinIntervalMs: 0,
      },
      { onCandle: () => undefined, onStatus: (s) => states.push(s.state) },
    );
    try {
      feed.start();
      for (let i = 0; i < 100 && feed.status().state !== 'error'; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      feed.stop();
      await sim.close();
    }
    expect(feed.status().state).toBe('error');
    expect(feed.status().lastError).toMatch(/okx: (Instrument ID doesn't exist|Wrong URL or channel)/);
  });
});
