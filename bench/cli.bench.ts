/**
 * Whole-process figures of the command line (issue #11): 1,000,000 real 1m candles through
 * `candlecast features BIG.csv --mode batch --out f.parquet` and `--out f.csv`, as a user runs it: wall time,
 * rows/s, CPU time (user + sys: what the load on a shared machine changes least) and peak RSS (GNU time's
 * maximum resident set size). The in-process engine time and TA-Lib's time for
 * 10 indicators are printed by the features bench beside it. BIG.csv is built in bench/.work/ (never committed)
 * from the real 1m files laid end to end, times shifted so they ascend.
 * Run alone: `npm run bench -- --only cli`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOneMinuteCandles } from './data';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench', '.work');
const BIN = join(ROOT, 'bin', 'candlecast.js');
const ROWS = 1_000_000;
const TIME = '/usr/bin/time';

function bigCsv(): string {
  const path = join(WORK, `big-${ROWS}.csv`);
  if (existsSync(path)) return path;
  mkdirSync(WORK, { recursive: true });
  const candles = loadOneMinuteCandles(ROWS);
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
  const input = bigCsv();
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
    log(
      `features ${ROWS.toLocaleString('en')} rows -> ${ext}: ${wall.toFixed(1)} s whole process, ` +
        `${Math.round(ROWS / wall).toLocaleString('en')} rows/s, ${(user + sys).toFixed(1)} s CPU (user + sys), peak RSS ${(rssKb / 1024 ** 2).toFixed(2)} GiB, ` +
        `${(statSync(out).size / 1024 ** 2).toFixed(0)} MiB written`,
    );
    rmSync(out, { force: true });
  }
}
