/**
 * Whole-process figures of the command line (issue #11): 1,000,000 real 1m candles through
 * `candlecast features BIG.csv --mode batch --out f.parquet` and `--out f.csv`, as a user runs it: wall time,
 * rows/s, CPU time (user + sys: what the load on a shared machine changes least) and peak RSS (GNU time's
 * maximum resident set size), beside, in the same run and on the same candles, the in-process engine time and
 * TA-Lib's Node binding over 10 indicators, from which the budget follows: 0.25 x TA-Lib's time per
 * indicator x 136 features. BIG.csv is built in bench/.work/ (never committed) from the real 1m files laid end
 * to end, times shifted so they ascend.
 * Run alone: `npm run bench -- --only cli`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toColumns, type Candle } from '../src/core/candles/candle';
import { computeFeaturesParallel } from '../src/core/features/batch/parallel-node';
import { FEATURES } from '../src/core/features/registry';
import { loadOneMinuteCandles } from './data';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
const BIN = join(ROOT, 'bin', 'candlecast.js');
const ROWS = 1_000_000;
const TIME = '/usr/bin/time';

interface Talib {
  execute(args: Record<string, unknown>): { begIndex: number; nbElement: number };
}

/** CPU seconds (user + system) of `run`, best of `repeats`. */
function cpuSeconds(run: () => unknown, repeats = 2): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    run();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return best;
}

/** TA-Lib's Node binding (the C library) over 10 common indicators of the candles: CPU seconds for all 10. */
function talibTenIndicators(candles: readonly Candle[]): number {
  const talib = createRequire(import.meta.url)('talib') as Talib;
  const h = candles.map((c) => c.high);
  const l = candles.map((c) => c.low);
  const c = candles.map((k) => k.close);
  const v = candles.map((k) => k.volume);
  const base = { startIdx: 0, endIdx: c.length - 1 };
  const hlc = { high: h, low: l, close: c };
  const runs: Record<string, unknown>[] = [
    { name: 'SMA', inReal: c, optInTimePeriod: 20 },
    { name: 'EMA', inReal: c, optInTimePeriod: 20 },
    { name: 'RSI', inReal: c, optInTimePeriod: 14 },
    { name: 'MACD', inReal: c, optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
    { name: 'BBANDS', inReal: c, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
    { name: 'ATR', ...hlc, optInTimePeriod: 14 },
    { name: 'ADX', ...hlc, optInTimePeriod: 14 },
    { name: 'CCI', ...hlc, optInTimePeriod: 20 },
    {
      name: 'STOCH',
      ...hlc,
      optInFastK_Period: 14,
      optInSlowK_Period: 3,
      optInSlowK_MAType: 0,
      optInSlowD_Period: 3,
      optInSlowD_MAType: 0,
    },
    { name: 'MFI', ...hlc, volume: v, optInTimePeriod: 14 },
  ];
  return cpuSeconds(() => {
    for (const r of runs) talib.execute({ ...base, ...r });
  });
}

function bigCsv(candles: readonly Candle[]): string {
  const path = join(WORK, `big-${ROWS}.csv`);
  if (existsSync(path)) return path;
  mkdirSync(WORK, { recursive: true });
  const lines = ['time,open,high,low,close,volume'];
  let t = candles[0]!.time;
  for (const c of candles) {
    lines.push(`${t},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
    t += 60_000;
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export async function bench(log: (line: string) => void): Promise<void> {
  if (!existsSync(TIME)) {
    log(`skipped: ${TIME} (GNU time, Debian package "time") is needed for the peak RSS`);
    return;
  }
  const candles = loadOneMinuteCandles(ROWS);
  const input = bigCsv(candles);
  const talibS = talibTenIndicators(candles);
  const budget = 0.25 * (talibS / 10) * FEATURES.length;
  log(
    `TA-Lib (Node binding) 10 indicators over the same ${ROWS.toLocaleString('en')} candles: ${talibS.toFixed(2)} s CPU; ` +
      `budget for the whole process (0.25 x per indicator x ${FEATURES.length} features): ${budget.toFixed(1)} s`,
  );
  const cols = toColumns(candles);
  await computeFeaturesParallel(cols); // warm-up: starts the side thread
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await computeFeaturesParallel(cols);
  const c = process.cpuUsage(c0);
  log(
    `in-process engine, ${FEATURES.length} features in batch (2 threads): ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ` +
      `${((c.user + c.system) / 1e6).toFixed(2)} s CPU (both threads)`,
  );
  for (const ext of ['parquet', 'csv']) {
    const out = join(WORK, `features.${ext}`);
    const run = spawnSync(
      TIME,
      ['-f', '%e %M %U %S', process.execPath, BIN, 'features', input, '--mode', 'batch', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    const [wall, rssKb, user, sys] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (run.status !== 0 || wall === undefined || rssKb === undefined || user === undefined || sys === undefined) {
      log(`features -> ${ext}: failed (exit ${run.status}): ${run.stderr.split('\n')[0]}`);
      continue;
    }
    // TA-Lib's time is CPU time (one thread), so the whole process is held to the budget by its CPU time too: on a
    // quiet machine its wall time is lower (two feature threads), on a loaded one far higher.
    const verdict =
      ext === 'parquet'
        ? `; CPU ${user + sys <= budget ? 'within' : 'OVER'} the ${budget.toFixed(1)} s budget (wall ${wall <= budget ? 'within' : 'over'})`
        : '';
    log(
      `features ${ROWS.toLocaleString('en')} rows -> ${ext}: ${wall.toFixed(1)} s whole process, ` +
        `${Math.round(ROWS / wall).toLocaleString('en')} rows/s, ${(user + sys).toFixed(1)} s CPU (user + sys), peak RSS ${(rssKb / 1024 ** 2).toFixed(2)} GiB, ` +
        `${(statSync(out).size / 1024 ** 2).toFixed(0)} MiB written${verdict}`,
    );
    rmSync(out, { force: true });
  }
}
