/**
 * Issue #15 items 2 and 3 in Chromium: the CSP arrives as an HTTP header on the worker script too, so the worker
 * (which does all the networking) cannot reach a host outside the policy; a link's loopback override keeps only
 * scheme, host and port and puts a "feed redirected" banner on screen; a model file that differs from its
 * manifest checksum is "not loaded" with the reason.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { EngineStatus } from '../../workers/engine-api';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';
import { ExchangeSimulator } from '../sim/server';

interface Hooks {
  candlecast: { engine: { getStatus(): Promise<EngineStatus> } };
}

const root = resolve(import.meta.dirname, '..', '..');
const simulated = (base: string) => `${base}/?exchange=simulated&symbol=BTCUSDT&tf=1m`;

/** A server on 127.0.0.2 (loopback, but not a host the policy names) that answers anyone and counts. */
async function bait(): Promise<{ url: string; ws: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end('reached');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', () => hits++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.2:${port}/admin/delete-all?confirm=yes`,
    ws: `ws://127.0.0.2:${port}/`,
    hits: () => hits,
    close: () => new Promise((r) => (wss.close(), server.close(() => r()))),
  };
}

/** Polls the engine's status until `ok` holds (page.waitForFunction does not await an async predicate). */
async function waitForStatus(page: Page, ok: (s: EngineStatus) => boolean, timeoutMs: number): Promise<EngineStatus> {
  const t0 = Date.now();
  for (;;) {
    const s = await page.evaluate(() => (globalThis as unknown as Hooks).candlecast.engine.getStatus());
    if (ok(s) || Date.now() - t0 > timeoutMs) return s;
    await page.waitForTimeout(200);
  }
}

async function engineWorker(page: Page): Promise<Worker> {
  for (let i = 0; i < 100; i++) {
    const w = page.workers().find((x) => /engine/.test(x.url()));
    if (w) return w;
    await page.waitForTimeout(100);
  }
  throw new Error(
    `no engine worker among ${page
      .workers()
      .map((w) => w.url())
      .join(', ')}`,
  );
}

describe.skipIf(!hasChromium)('security in Chromium', () => {
  const app = browserSuite();

  it('the worker script carries the CSP header; its fetch and websocket to a host outside the policy are refused', async () => {
    const target = await bait();
    try {
      const control = await fetch(target.url); // reachable: only the policy can stop the worker
      expect(await control.text()).toBe('reached');
      const page = await app.browser.newPage();
      await page.goto(simulated(app.url));
      const worker = await engineWorker(page);
      const headers = (await fetch(worker.url())).headers;
      expect(headers.get('content-security-policy')).toMatch(/connect-src 'self' https:\/\/api\.binance\.com /);
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      const before = target.hits();
      const fetched = await worker.evaluate(async (u) => {
        try {
          const res = await fetch(u);
          return `fetched: ${await res.text()}`;
        } catch (err) {
          return `refused: ${String(err)}`;
        }
      }, target.url);
      expect(fetched).toMatch(/^refused: TypeError/);
      const socket = await worker.evaluate(
        (u) =>
          new Promise<string>((res) => {
            try {
              const ws = new WebSocket(u);
              ws.onopen = () => res('open');
              ws.onerror = () => res('error');
            } catch (err) {
              res(`refused: ${String(err)}`);
            }
          }),
        target.ws,
      );
      expect(socket).not.toBe('open');
      expect(target.hits()).toBe(before);
      // The app's own requests still work under the policy (same origin).
      expect(await worker.evaluate(async () => (await fetch('/models/manifest.json')).status)).toBe(200);
      await page.close();
    } finally {
      await target.close();
    }
  });

  it.skipIf(!hasCandleData)(
    'a link override with a path and query: only scheme, host and port are used, and a banner says so',
    async () => {
      const sim = new ExchangeSimulator({
        exchange: 'binance',
        candles: loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv', 1500),
        symbol: 'BTCUSDT',
        timeframe: '1m',
        startIndex: 1000,
        candlesPerSecond: 2,
      });
      const { port, restUrl, wsUrl } = await sim.listen();
      try {
        const page = await app.browser.newPage();
        const errors = watchErrors(page);
        const query = new URLSearchParams({
          exchange: 'binance',
          symbol: 'BTCUSDT',
          tf: '1m',
          rest: `${restUrl}/admin/delete-all?confirm=yes`,
          ws: `${wsUrl}/admin?x=1`,
        });
        await page.goto(`${app.url}/?${query}`);
        await expect(page.locator('[data-field="feed-redirected"]').textContent()).resolves.toBe(
          `Feed redirected to 127.0.0.1:${port} (REST) and 127.0.0.1:${port} (websocket) by this page's link, not the exchange`,
        );
        // Live from the simulator: with the link's path kept, REST would ask /admin/delete-all... and get a 404.
        const status = await waitForStatus(
          page,
          (s) =>
            s.feeds[0]?.source === 'live' && s.feeds[0].status.kind === 'exchange' && s.feeds[0].status.feed === 'live',
          15_000,
        );
        expect(status.feeds[0]).toMatchObject({
          source: 'live',
          status: { kind: 'exchange', feed: 'live' },
          detail: null,
        });
        expect(sim.restRequests).toBeGreaterThan(0);
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await sim.close();
      }
    },
  );

  it('a CNN weights file that differs from its manifest checksum: "not loaded" with the reason', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'candlecast-dist-'));
    let tampered: PreviewServer | null = null;
    try {
      cpSync(join(root, 'dist'), dist, { recursive: true });
      const weights = join(dist, 'models', 'pattern-cnn', 'weights.bin');
      const bytes = readFileSync(weights);
      const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      for (let i = 0; i < floats.length; i += 5) floats[i] = floats[(i + 1) % floats.length]!; // other valid floats
      writeFileSync(weights, bytes);
      tampered = await preview({
        root,
        logLevel: 'error',
        build: { outDir: dist },
        preview: { host: '127.0.0.1', port: 0, strictPort: false },
      });
      const address = tampered.httpServer.address() as { port: number };
      const page = await app.browser.newPage();
      await page.goto(simulated(`http://127.0.0.1:${address.port}`));
      const status = await waitForStatus(
        page,
        (s) => s.models.pattern_cnn.error !== 'loading' && s.models.price_ensemble.error !== 'loading',
        60_000,
      );
      expect(status.models.price_ensemble).toMatchObject({ loaded: true, error: null });
      expect(status.models.pattern_cnn).toMatchObject({ loaded: false });
      expect(status.models.pattern_cnn.error).toMatch(
        /pattern-cnn\/weights\.bin: SHA-256 [0-9a-f]{12}… does not match the manifest's [0-9a-f]{12}… \(file changed\)/,
      );
      const notice = page.locator('.ai [data-field="cnn-missing"]');
      await notice.waitFor({ timeout: 30_000 });
      await expect(notice.textContent()).resolves.toMatch(/Pattern CNN not loaded:.*weights\.bin: SHA-256/s);
      await page.close();
    } finally {
      await tampered?.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
