import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS, EXCHANGE_IDS } from '../../../src/feeds/adapter';
import { LiveFeed } from '../../../src/feeds/live-feed';
import {
  acceptOverride,
  exchangeOrigins,
  feedNetwork,
  guardFetch,
  guardWebSocket,
  NetworkPolicyError,
} from '../../../src/feeds/network-policy';
import type { WebSocketCtor, WebSocketLike } from '../../../src/feeds/ws-types';

describe('acceptOverride', () => {
  it('keeps only scheme, host and port of a loopback override', () => {
    expect(acceptOverride('http://127.0.0.1:4620/admin/delete-all?confirm=yes#x', 'rest')).toEqual({
      origin: 'http://127.0.0.1:4620',
    });
    expect(acceptOverride('ws://localhost:9/ws/btcusdt@kline_1m?a=b', 'ws')).toEqual({ origin: 'ws://localhost:9' });
    expect(acceptOverride('http://localhost:80/x', 'rest')).toEqual({ origin: 'http://localhost' });
  });
  it('refuses other hosts, the rest of 127/8, wrong schemes and credentials', () => {
    expect(acceptOverride('http://192.0.2.2:4620/', 'rest')).toEqual({
      problem: '192.0.2.2 is not a loopback address',
    });
    expect(acceptOverride('http://127.0.0.2:1/', 'rest')).toEqual({ problem: '127.0.0.2 is not a loopback address' });
    expect(acceptOverride('ws://127.0.0.1:1', 'rest')).toEqual({ problem: 'ws: is not http: or https:' });
    expect(acceptOverride('http://a:b@127.0.0.1:1', 'rest')).toEqual({ problem: 'credentials are not allowed' });
  });
});

describe('feedNetwork', () => {
  it('allows each exchange only its own origins, and every URL its adapter builds stays on them', () => {
    for (const id of EXCHANGE_IDS) {
      const adapter = ADAPTERS[id];
      const { endpoints, policy } = feedNetwork(adapter);
      expect(policy.allowed().sort()).toEqual(exchangeOrigins(adapter).sort());
      for (const tf of adapter.timeframes) {
        expect(() => policy.check(adapter.wsUrl(endpoints.wsUrl, 'BTCUSDT', tf))).not.toThrow();
        expect(() => policy.check(adapter.restUrl(endpoints.restUrl, 'BTCUSDT', tf, {}))).not.toThrow();
        expect(() => policy.check(adapter.restUrl(endpoints.restUrl, 'BTCUSDT', tf, { from: 0, to: 1 }))).not.toThrow();
      }
      for (const other of EXCHANGE_IDS.filter((o) => o !== id)) {
        expect(() => policy.check(ADAPTERS[other].defaultEndpoints.restUrl)).toThrow(NetworkPolicyError);
      }
    }
  });
  it('reduces an accepted override to its origin and refuses a non-loopback one', () => {
    const { endpoints, policy } = feedNetwork(ADAPTERS.okx, { restUrl: 'http://127.0.0.1:4620/admin?x=1' });
    expect(endpoints).toEqual({ restUrl: 'http://127.0.0.1:4620', wsUrl: 'wss://ws.okx.com:8443' });
    expect(() => policy.check('http://127.0.0.1:4620/api/v5/market/candles')).not.toThrow();
    expect(() => policy.check('http://127.0.0.1:4621/')).toThrow(NetworkPolicyError);
    expect(() => feedNetwork(ADAPTERS.okx, { wsUrl: 'wss://evil.example.com/ws' })).toThrow(
      'okx ws endpoint refused: evil.example.com is not a loopback address',
    );
  });
});

describe('guards', () => {
  const { policy } = feedNetwork(ADAPTERS.binance);
  it('guardFetch refuses a disallowed origin before anything is sent and forbids redirects', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const spy = ((input: string, init?: RequestInit) => {
      calls.push({ url: input, init });
      return Promise.resolve(new Response('[]'));
    }) as typeof fetch;
    const guarded = guardFetch(policy, spy);
    await expect(guarded('http://192.0.2.2:4620/')).rejects.toThrow(/refused http:\/\/192\.0\.2\.2:4620/);
    await expect(guarded('https://api.binance.com.evil.com/x')).rejects.toThrow(NetworkPolicyError);
    await expect(guarded('https://user:pw@api.binance.com/x')).rejects.toThrow(NetworkPolicyError);
    expect(calls).toEqual([]);
    await guarded('https://api.binance.com/api/v3/klines?symbol=BTCUSDT');
    expect(calls.map((c) => [c.url, c.init?.redirect])).toEqual([
      ['https://api.binance.com/api/v3/klines?symbol=BTCUSDT', 'error'],
    ]);
  });
  it('guardWebSocket refuses a disallowed origin and opens an allowed one', () => {
    const opened: string[] = [];
    const Fake = class {
      constructor(url: string) {
        opened.push(url);
      }
    } as unknown as WebSocketCtor;
    const Guarded = guardWebSocket(policy, Fake);
    expect(() => new Guarded('ws://192.0.2.2:4620/')).toThrow(NetworkPolicyError);
    expect(() => new Guarded('wss://stream.binance.com/ws')).toThrow(NetworkPolicyError); // port 443, not 9443
    const ws: WebSocketLike = new Guarded('wss://stream.binance.com:9443/ws/btcusdt@kline_1m');
    expect(ws).toBeInstanceOf(Fake);
    expect(opened).toEqual(['wss://stream.binance.com:9443/ws/btcusdt@kline_1m']);
  });
});

describe('LiveFeed behind the policy', () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('a link override with a path and query reaches only the exchange API paths on that origin', async () => {
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const sockets: string[] = [];
    const FakeWs = class {
      readyState = 0;
      binaryType = 'blob';
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(url: string) {
        sockets.push(url);
      }
      send(): void {}
      close(): void {}
    } as unknown as WebSocketCtor;
    const feed = new LiveFeed(
      {
        exchange: 'binance',
        symbol: 'BTCUSDT',
        timeframe: '1m',
        endpoints: {
          restUrl: `http://127.0.0.1:${port}/admin/delete-all?confirm=yes`,
          wsUrl: `ws://127.0.0.1:${port}/admin?x=1`,
        },
        WebSocket: FakeWs,
        restMinIntervalMs: 0,
      },
      { onCandle: () => undefined },
    );
    feed.start();
    for (let i = 0; i < 100 && paths.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    feed.stop();
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^\/api\/v3\/klines\?/);
    expect(sockets).toEqual([`ws://127.0.0.1:${port}/ws/btcusdt@kline_1m`]);
  });

  it('refuses a non-loopback override with one line', () => {
    expect(
      () =>
        new LiveFeed(
          { exchange: 'kraken', symbol: 'BTCUSD', timeframe: '1m', endpoints: { restUrl: 'http://192.0.2.2:4620/' } },
          { onCandle: () => undefined },
        ),
    ).toThrow('kraken rest endpoint refused: 192.0.2.2 is not a loopback address');
  });
});
