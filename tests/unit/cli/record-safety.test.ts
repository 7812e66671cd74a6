import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCandlesCsv } from '../../../src/feeds/csv';
import { ExchangeSimulator } from '../../sim/server';
import { cliAsync, walk } from '../../helpers/cli';

const SOURCE = walk(3000, 17);

function recordArgs(urls: { restUrl: string; wsUrl: string }, ...rest: string[]): string[] {
  return [
    'record',
    '--exchange',
    'binance',
    '--symbol',
    'BTCUSDT',
    '--interval',
    '1m',
    '--rest-url',
    urls.restUrl,
    '--ws-url',
    urls.wsUrl,
    ...rest,
  ];
}

/** Issue #15 item 6: record writes as it goes, appends without gap or overlap, gives up, and never exits 0 empty. */
describe('candlecast record: nothing lost (#15)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-record-safety-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL leaves a valid file with the candles recorded so far', async () => {
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles: SOURCE,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 40,
      candlesPerSecond: 30,
    });
    const urls = await sim.listen();
    const out = join(dir, 'killed.csv');
    try {
      const child = cliAsync(recordArgs(urls, '--candles', '2500', '--out', out));
      const deadline = Date.now() + 120_000;
      while ((!existsSync(out) || readFileSync(out, 'utf8').split('\n').length < 80) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await child.exit;
    } finally {
      await sim.close();
    }
    const got = parseCandlesCsv(readFileSync(out, 'utf8'), { source: out });
    expect(got.length).toBeGreaterThanOrEqual(78); // the header, 78 candles and the empty string after the last newline made 80
    const first = SOURCE.findIndex((c) => c.time === got[0]!.time);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(got).toEqual(SOURCE.slice(first, first + got.length));
  });

  it('--append continues the file from its last candle without gap or overlap', async () => {
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles: SOURCE,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 40,
      candlesPerSecond: 40,
    });
    const urls = await sim.listen();
    const out = join(dir, 'appended.csv');
    try {
      const a = await cliAsync(recordArgs(urls, '--candles', '60', '--out', out)).exit;
      expect(a.code).toBe(0);
      await new Promise((r) => setTimeout(r, 1500));
      const b = await cliAsync(recordArgs(urls, '--candles', '40', '--out', out, '--append')).exit;
      expect(b.stderr).toMatch(/^recorded 40 closed/);
      expect(b.code).toBe(0);
      const again = await cliAsync(recordArgs(urls, '--candles', '5', '--out', out)).exit;
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists; use --append/);
    } finally {
      await sim.close();
    }
    const got = parseCandlesCsv(readFileSync(out, 'utf8'), { source: out });
    expect(got.length).toBe(100);
    const first = SOURCE.findIndex((c) => c.time === got[0]!.time);
    expect(got).toEqual(SOURCE.slice(first, first + 100));
  });

  it('an unreachable exchange ends with exit 2 after --give-up-after seconds, writing nothing', async () => {
    const port = await new Promise<number>((ok) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => ok(p));
      });
    });
    const out = join(dir, 'unreachable.csv');
    const started = Date.now();
    const r = await cliAsync(
      recordArgs(
        { restUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` },
        '--candles',
        '10',
        '--give-up-after',
        '2',
        '--out',
        out,
      ),
    ).exit;
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/binance sent nothing for 2 s; giving up after 0 candles/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(out)).toBe(false);
  });

  it('zero candles recorded: exit 2 and no header-only file', async () => {
    const sim = new ExchangeSimulator({
      exchange: 'binance',
      candles: SOURCE,
      symbol: 'BTCUSDT',
      timeframe: '1m',
      startIndex: 0,
      candlesPerSecond: 0.01,
    });
    const urls = await sim.listen();
    const out = join(dir, 'empty.csv');
    try {
      const r = await cliAsync(recordArgs(urls, '--minutes', '0.03', '--out', out)).exit;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no closed 1m candle of BTCUSDT recorded from binance/);
    } finally {
      await sim.close();
    }
    expect(existsSync(out)).toBe(false);
  });
});
