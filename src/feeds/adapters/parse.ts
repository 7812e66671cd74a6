import type { Candle } from '../../core/candles/candle';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number from a JSON number or a decimal string; null otherwise. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMBER.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** An integer epoch in milliseconds from a number or string of milliseconds. */
export function epochMs(v: unknown): number | null {
  const n = num(v);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** An epoch in milliseconds from seconds (number or string). */
export function epochSec(v: unknown): number | null {
  const n = num(v);
  if (n === null) return null;
  const ms = Math.round(n * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** An epoch in milliseconds from an RFC 3339 / ISO 8601 string (nanosecond fractions are truncated). */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(v);
  if (!m) return null;
  const base = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(base)) return null;
  const frac = m[2] ? Number(`0.${m[2]}`) : 0;
  return base + Math.floor(frac * 1000);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds a candle from already-parsed fields; null when any is missing. */
export function candleOf(
  time: number | null,
  open: number | null,
  high: number | null,
  low: number | null,
  close: number | null,
  volume: number | null,
): Candle | null {
  if (time === null || open === null || high === null || low === null || close === null || volume === null) {
    return null;
  }
  return { time, open, high, low, close, volume };
}

/** Sorts candles ascending by time (in place) and returns them. */
export function ascending(candles: Candle[]): Candle[] {
  candles.sort((a, b) => a.time - b.time);
  return candles;
}

/** A base URL without its trailing slashes (endpoints are joined as `${base}/path`). */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
