/**
 * Feature-engine benchmark against talib, tulind, technicalindicators and trading-signals on the same
 * 1,000,000 real 1m candles (the 1m files of ../shared/data/candles laid end to end).
 * Run alone: `npx tsx bench/features.bench.ts` (or `node bin/candlecast.js bench --only features`).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BollingerBands,
  ATR as TsATR,
  EMA as TsEMA,
  MACD as TsMACD,
  RSI as TsRSI,
  SMA as TsSMA,
} from 'trading-signals';
import * as ti from 'technicalindicators';
import { toColumns, type CandleColumns } from '../src/core/candles/candle';
import { computeFeatures, FeatureEngine } from '../src/core/features';
import { computeFeaturesParallel } from '../src/core/features/batch/parallel-node';
import { FEATURES } from '../src/core/features/registry';
import { Atr } from '../src/core/features/indicators/atr';
import { Ema } from '../src/core/features/indicators/ema';
import { Macd } from '../src/core/features/indicators/macd';
import { Rsi } from '../src/core/features/indicators/rsi';
import { Sma } from '../src/core/features/indicators/sma';
import { TaVariance } from '../src/core/features/indicators/ta-variance';
import { trueRange } from '../src/core/features/indicators/ta-util';
import { loadOneMinuteCandles } from './data';

const TARGET_CANDLES = 1_000_000;

const require = createRequire(import.meta.url);
interface Talib {
  execute(args: Record<string, unknown>): { begIndex: number; nbElement: number };
}
type TulindCallback = (err: unknown, res: number[][]) => void;
interface Tulind {
  indicators: Record<string, { indicator(inputs: number[][], options: number[], cb: TulindCallback): void }>;
}
const talib = require('talib') as Talib;
const tulind = require('tulind') as Tulind;

/** CPU time (user + system) of one run, in ms: less sensitive than wall time to other processes. */
function cpuTime(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function time(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

/** Best of `repeats` runs in ms. */
function best(run: () => void, repeats = 2): number {
  let ms = Infinity;
  for (let r = 0; r < repeats; r++) ms = Math.min(ms, time(run));
  return ms;
}

const INDICATORS = ['SMA20', 'EMA20', 'RSI14', 'MACD', 'BBANDS', 'ATR14'] as const;
type Indicator = (typeof INDICATORS)[number];
type Runner = Record<Indicator, () => void>;

function oursRunners(cols: CandleColumns): Runner {
  const { high, low, close } = cols;
  const n = close.length;
  let sink = 0;
  return {
    SMA20: () => {
      const k = new Sma(20);
      for (let i = 0; i < n; i++) sink += k.update(close[i]!, false);
    },
    EMA20: () => {
      const k = new Ema(20);
      for (let i = 0; i < n; i++) sink += k.update(close[i]!, false);
    },
    RSI14: () => {
      const k = new Rsi(14);
      for (let i = 0; i < n; i++) sink += k.update(close[i]!, false);
    },
    MACD: () => {
      const k = new Macd(12, 26, 9);
      for (let i = 0; i < n; i++) {
        k.update(close[i]!, false);
        sink += k.hist;
      }
    },
    BBANDS: () => {
      const k = new TaVariance(20);
      for (let i = 0; i < n; i++) {
        k.update(close[i]!, false);
        sink += k.mean + 2 * k.std;
      }
    },
    ATR14: () => {
      const k = new Atr(14);
      for (let i = 1; i < n; i++) sink += k.update(trueRange(high[i]!, low[i]!, close[i - 1]!), false);
      if (sink === 42) throw new Error('unreachable');
    },
  };
}

function talibRunners(h: number[], l: number[], c: number[]): Runner {
  const base = { startIdx: 0, endIdx: c.length - 1 };
  return {
    SMA20: () => talib.execute({ ...base, name: 'SMA', inReal: c, optInTimePeriod: 20 }),
    EMA20: () => talib.execute({ ...base, name: 'EMA', inReal: c, optInTimePeriod: 20 }),
    RSI14: () => talib.execute({ ...base, name: 'RSI', inReal: c, optInTimePeriod: 14 }),
    MACD: () =>
      talib.execute({
        ...base,
        name: 'MACD',
        inReal: c,
        optInFastPeriod: 12,
        optInSlowPeriod: 26,
        optInSignalPeriod: 9,
      }),
    BBANDS: () =>
      talib.execute({
        ...base,
        name: 'BBANDS',
        inReal: c,
        optInTimePeriod: 20,
        optInNbDevUp: 2,
        optInNbDevDn: 2,
        optInMAType: 0,
      }),
    ATR14: () => talib.execute({ ...base, name: 'ATR', high: h, low: l, close: c, optInTimePeriod: 14 }),
  };
}

function tulindRunners(h: number[], l: number[], c: number[]): Runner {
  const run = (name: string, inputs: number[][], opts: number[]) => () =>
    tulind.indicators[name]!.indicator(inputs, opts, (err) => {
      if (err) throw new Error(String(err));
    });
  return {
    SMA20: run('sma', [c], [20]),
    EMA20: run('ema', [c], [20]),
    RSI14: run('rsi', [c], [14]),
    MACD: run('macd', [c], [12, 26, 9]),
    BBANDS: run('bbands', [c], [20, 2]),
    ATR14: run('atr', [h, l, c], [14]),
  };
}

function technicalIndicatorsRunners(h: number[], l: number[], c: number[]): Runner {
  return {
    SMA20: () => ti.SMA.calculate({ period: 20, values: c }),
    EMA20: () => ti.EMA.calculate({ period: 20, values: c }),
    RSI14: () => ti.RSI.calculate({ period: 14, values: c }),
    MACD: () =>
      ti.MACD.calculate({
        values: c,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      }),
    BBANDS: () => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: c }),
    ATR14: () => ti.ATR.calculate({ period: 14, high: h, low: l, close: c }),
  };
}

function tradingSignalsRunners(h: number[], l: number[], c: number[]): Runner {
  const n = c.length;
  return {
    SMA20: () => {
      const k = new TsSMA(20);
      for (let i = 0; i < n; i++) k.update(c[i]!, false);
    },
    EMA20: () => {
      const k = new TsEMA(20);
      for (let i = 0; i < n; i++) k.update(c[i]!, false);
    },
    RSI14: () => {
      const k = new TsRSI(14);
      for (let i = 0; i < n; i++) k.update(c[i]!, false);
    },
    MACD: () => {
      const k = new TsMACD(new TsEMA(12), new TsEMA(26), new TsEMA(9));
      for (let i = 0; i < n; i++) k.update(c[i]!, false);
    },
    BBANDS: () => {
      const k = new BollingerBands(20, 2);
      for (let i = 0; i < n; i++) k.update(c[i]!, false);
    },
    ATR14: () => {
      const k = new TsATR(14);
      for (let i = 0; i < n; i++) k.update({ high: h[i]!, low: l[i]!, close: c[i]! }, false);
    },
  };
}

const fmt = (x: number, d = 2): string => x.toFixed(d);

export async function bench(log: (line: string) => void): Promise<void> {
  const candles = loadOneMinuteCandles(TARGET_CANDLES);
  const n = candles.length;
  const cols = toColumns(candles);
  log(
    `${n} real 1m candles, ${FEATURES.length} features; load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs`,
  );

  // ---- ours: all features, streaming (one update per closed candle)
  const warm = new FeatureEngine();
  for (let i = 0; i < Math.min(n, 50_000); i++) warm.update(candles[i]!);
  let engine = new FeatureEngine();
  const streamMs = best(() => {
    engine = new FeatureEngine();
    for (let i = 0; i < n; i++) engine.update(candles[i]!);
  });
  const streamUs = (streamMs * 1000) / n;
  log(
    `ours streaming, all features: ${fmt(streamUs, 3)} us/candle (${fmt(streamMs / 1000, 3)} s for ${n}; target <= 5 us)`,
  );
  const streamCpu = cpuTime(() => {
    const e = new FeatureEngine();
    for (let i = 0; i < n; i++) e.update(candles[i]!);
  });
  log(`  (one more run measured as CPU time: ${fmt((streamCpu * 1000) / n, 3)} us/candle)`);

  // ---- ours: streaming with two provisional replace-updates per candle (3 updates per candle)
  const replaceMs = time(() => {
    const e = new FeatureEngine();
    for (let i = 0; i < n; i++) {
      const c = candles[i]!;
      e.update({ time: c.time, open: c.open, high: c.open, low: c.open, close: c.open, volume: 0 }, false);
      e.update(
        { time: c.time, open: c.open, high: c.high, low: c.low, close: (c.open + c.close) / 2, volume: c.volume / 2 },
        true,
      );
      e.update(c, true);
    }
  });
  log(`ours streaming with 2 replace-updates per candle: ${fmt((replaceMs * 1000) / (3 * n), 3)} us/update`);

  // ---- ours: batch
  const singleMs = best(() => computeFeatures(cols));
  await computeFeaturesParallel(cols); // warm-up: starts the side thread, which later calls reuse
  let batchMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await computeFeaturesParallel(cols);
    batchMs = Math.min(batchMs, performance.now() - t0);
  }
  log(
    `ours batch, all features over ${n}, 2 threads (Node worker_threads, best of 3 after a warm-up call): ${fmt(batchMs / 1000, 3)} s (target <= 1.5 s)`,
  );
  log(`ours batch, all features over ${n}, 1 thread (as in the browser worker): ${fmt(singleMs / 1000, 3)} s`);
  log(
    `  (as CPU time: ${fmt(cpuTime(() => computeFeatures(cols)) / 1000, 3)} s, including ${fmt((n * FEATURES.length * 8) / 2 ** 30, 2)} GiB of output columns)`,
  );
  const bytes = engine.stateBytes();
  log(`streaming state per symbol: ${bytes} bytes (${fmt(bytes / 1024, 1)} KB; target < 256 KB)`);

  // ---- per-indicator comparison (inputs converted to plain arrays once, outside the timings)
  const h = Array.from(cols.high);
  const l = Array.from(cols.low);
  const c = Array.from(cols.close);
  const suites: [string, Runner][] = [
    ['ours (streaming kernel)', oursRunners(cols)],
    ['talib (batch, C binding)', talibRunners(h, l, c)],
    ['tulind (batch, C binding)', tulindRunners(h, l, c)],
    ['technicalindicators (batch JS)', technicalIndicatorsRunners(h, l, c)],
    ['trading-signals (streaming JS)', tradingSignalsRunners(h, l, c)],
  ];
  const results = new Map<string, Record<Indicator, number>>();
  for (const [name, runner] of suites) {
    const r = {} as Record<Indicator, number>;
    for (const ind of INDICATORS)
      r[ind] = name.startsWith('technicalindicators') ? time(runner[ind]) : best(runner[ind]);
    results.set(name, r);
  }
  const ours = results.get('ours (streaming kernel)')!;
  log('');
  log(`per-indicator ms over ${n} candles (ratio = peer / ours, > 1 means we are faster)`);
  log(['library'.padEnd(32), ...INDICATORS.map((i) => i.padStart(16)), 'sum'.padStart(16)].join(''));
  for (const [name, r] of results) {
    const sum = INDICATORS.reduce((s, i) => s + r[i], 0);
    const oursSum = INDICATORS.reduce((s, i) => s + ours[i], 0);
    const cells = INDICATORS.map((i) => `${fmt(r[i], 1)} (${fmt(r[i] / ours[i])}x)`.padStart(16));
    log([name.padEnd(32), ...cells, `${fmt(sum, 1)} (${fmt(sum / oursSum)}x)`.padStart(16)].join(''));
  }
  log('');
  log(
    `ours ALL ${FEATURES.length} features vs each peer's sum of the 6 indicators above (ratio = peer sum / ours all):`,
  );
  for (const [name, r] of results) {
    if (name.startsWith('ours')) continue;
    const sum = INDICATORS.reduce((s, i) => s + r[i], 0);
    log(
      `  ${name.padEnd(32)} peer 6-indicator sum ${fmt(sum, 1)} ms; vs ours streaming ${fmt(sum / streamMs)}x, vs ours batch ${fmt(sum / batchMs)}x`,
    );
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  await bench((line) => process.stdout.write(`${line}\n`));
}
