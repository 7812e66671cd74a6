import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { resolve } from 'node:path';
import type { Candle } from '../../src/core/candles/candle';

/** The command as users run it (compiled by the unit project's global setup). */
export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'candlecast.js');
export const HEADER = 'time,open,high,low,close,volume';

/** Runs `candlecast args...` to completion. */
export function cli(args: readonly string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 30 });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `candlecast args...` in the background; `exit` resolves when it ends. */
export function cliAsync(args: readonly string[]): { pid: number; exit: Promise<Exit>; kill(s: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((ok) => child.on('close', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { pid: child.pid!, exit, kill: (s) => child.kill(s) };
}

/** A deterministic random-walk series of valid 1m candles (no real data needed). */
export function walk(n: number, seed = 7, start = 1_700_000_040_000): Candle[] {
  let s = seed;
  const rand = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const out: Candle[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.max(1, open * (1 + (rand() - 0.5) * 0.01));
    const high = Math.max(open, close) * (1 + rand() * 0.003);
    const low = Math.min(open, close) * (1 - rand() * 0.003);
    out.push({ time: start + i * 60_000, open, high, low, close, volume: Math.round(rand() * 1000) / 10 });
  }
  return out;
}

export function csvOf(candles: readonly Candle[]): string {
  return `${HEADER}\n${candles.map((c) => `${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`).join('\n')}\n`;
}

/** stderr holds no stack trace and no source code. */
export function noStack(stderr: string): boolean {
  return !/\bat .*[.:](ts|js|mjs|cjs):\d+/.test(stderr) && !/node:internal/.test(stderr);
}
