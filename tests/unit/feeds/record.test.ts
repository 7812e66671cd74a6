import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Timeframe } from '../../../src/core/candles/timeframe';
import type { ExchangeId } from '../../../src/feeds/exchange-types';
import { parseCandlesCsv } from '../../../src/feeds/csv';
import { hasCandleData, loadCandles, NO_DATA_REASON } from '../../helpers/data';
import { ExchangeSimulator, type FaultKind } from '../../sim/server';

const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'candlecast.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

const FAULTS: readonly FaultKind[] = [
  'disconnect',
  'garbage',
  'http429',
  'duplicate',
  'out-of-order',
  'stall',
  'http5xx',
  'close',
  'http418',
];

describe.skipIf(!hasCandleData)(
  `candlecast record against the simulator with faults (${hasCandleData ? 'real data' : NO_DATA_REASON})`,
  () => {
    const cases: { exchange: ExchangeId; file: string; symbol: string; timeframe: Timeframe }[] = [
      { exchange: 'binance', file: 'binance_ETHUSDT_1m_2022-12_2023-01.csv', symbol: 'ETHUSDT', timeframe: '1m' },
      { exchange: 'okx', file: 'binance_LINKUSDT_1h_2019-01_2021-06.csv', symbol: 'LINKUSDT', timeframe: '1h' },
    ];
    for (const c of cases) {
      it(`${c.exchange}: writes exactly the source candles`, async () => {
        const source = loadCandles(c.file).slice(3000, 5000);
        const sim = new ExchangeSimulator({
          exchange: c.exchange,
          candles: source,
          symbol: c.symbol,
          timeframe: c.timeframe,
          startIndex: 250, // history the command backfills through REST before the stream
          candlesPerSecond: 600,
          faults: { kinds: FAULTS, everyCandles: 150 },
        });
        const urls = await sim.listen();
        const out = join(mkdtempSync(join(tmpdir(), 'candlecast-record-')), 'out.csv');
        const want = 1500;
        try {
          const r = await run([
            'record',
            '--exchange',
            c.exchange,
            '--symbol',
            c.symbol,
            '--interval',
            c.timeframe,
            '--rest-url',
            urls.restUrl,
            '--ws-url',
            urls.wsUrl,
            '--candles',
            String(want),
            '--stale-s',
            '0.4',
            '--out',
            out,
          ]);
          expect(r.stderr).toMatch(/^recorded 1500 closed/);
          expect(r.code).toBe(0);
        } finally {
          await sim.close();
        }
        const got = parseCandlesCsv(readFileSync(out, 'utf8'), { source: out });
        expect(got.length).toBe(want);
        const first = source.findIndex((x) => x.time === got[0]!.time);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(got).toEqual(source.slice(first, first + want));
        // the run really went through faults
        const injected = FAULTS.filter((k) => sim.counts[k] > 0);
        expect(injected.length).toBeGreaterThanOrEqual(6);
      });
    }
  },
);

describe('candlecast record: bad arguments', () => {
  const bad: [string, string[], RegExp][] = [
    [
      'missing exchange',
      ['--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5'],
      /--exchange, --symbol and --interval are required/,
    ],
    [
      'unknown exchange',
      ['--exchange', 'mtgox', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5'],
      /unknown exchange "mtgox"/,
    ],
    [
      'unknown interval',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '7m', '--candles', '5'],
      /unknown interval "7m"/,
    ],
    [
      'interval the exchange lacks',
      ['--exchange', 'coinbase', '--symbol', 'BTCUSD', '--interval', '4h', '--candles', '5'],
      /Coinbase has no 4h candles/,
    ],
    [
      'both limits',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5', '--minutes', '1'],
      /exactly one of --candles N and --minutes N/,
    ],
    [
      'no limit',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m'],
      /exactly one of --candles N and --minutes N/,
    ],
    [
      'zero candles',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '0'],
      /--candles must be a positive integer/,
    ],
    [
      'bad ws url',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5', '--ws-url', 'http://x'],
      /--ws-url refused: http: is not ws: or wss:/,
    ],
    [
      'rest url off loopback (the feeds reach only their exchange or a loopback override)',
      [
        ...['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5'],
        ...['--rest-url', 'http://example.com/api'],
      ],
      /--rest-url refused: example.com is not a loopback address/,
    ],
    [
      'unreadable symbol',
      ['--exchange', 'kraken', '--symbol', 'BTC?', '--interval', '1m', '--candles', '5'],
      /bad symbol "BTC\?"/,
    ],
    [
      'unknown option',
      ['--exchange', 'binance', '--symbol', 'BTCUSDT', '--interval', '1m', '--candles', '5', '--speed', '3'],
      /unknown option --speed/,
    ],
  ];
  for (const [name, args, message] of bad) {
    it(`${name}: exit 2, one line on stderr, nothing written`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'candlecast-record-')), 'out.csv');
      const r = await run(['record', ...args, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a symbol the server does not list: exit 2 naming the exchange error', async () => {
    const candles = loadCandlesOrSynthetic();
    const sim = new ExchangeSimulator({ exchange: 'binance', candles, symbol: 'BTCUSDT', timeframe: '1m' });
    const urls = await sim.listen();
    try {
      const r = await run([
        'record',
        '--exchange',
        'binance',
        '--symbol',
        'NOPEUSDT',
        '--interval',
        '1m',
        '--rest-url',
        urls.restUrl,
        '--ws-url',
        urls.wsUrl,
        '--candles',
        '5',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/Invalid symbol/);
    } finally {
      await sim.close();
    }
  });
});

function loadCandlesOrSynthetic() {
  const t0 = Date.UTC(2024, 0, 1);
  return Array.from({ length: 10 }, (_, i) => ({
    time: t0 + i * 60_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 3,
  }));
}
