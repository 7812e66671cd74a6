import type { Signal } from '../core/insights/types';
import type { StreamSource, StreamUpdate } from '../../workers/engine-api';

/** Most symbols a watchlist holds (each is a live stream in the engine). */
export const WATCH_LIMIT = 12;

/** One watched symbol as the watchlist shows it; every number comes from the engine's updates. */
export interface WatchRow {
  symbol: string;
  price: number | null;
  /** The current candle's move so far, close / open - 1. */
  candleMove: number | null;
  confidence: number | null;
  /** The most confident signal of the latest insight. */
  signal: Signal['type'] | null;
  /** Where the row's candles come from (a simulated market is labelled as such). */
  source: StreamSource | null;
}

export function emptyRow(symbol: string): WatchRow {
  return { symbol, price: null, candleMove: null, confidence: null, signal: null, source: null };
}

/** The row after one update of its stream (an update without an insight keeps the last one's values). */
export function applyUpdate(row: WatchRow, u: StreamUpdate): WatchRow {
  let top: Signal | null = null;
  for (const s of u.insight?.signals ?? []) if (!top || s.confidence > top.confidence) top = s;
  return {
    symbol: row.symbol,
    price: u.candle.close,
    candleMove: u.candle.open > 0 ? u.candle.close / u.candle.open - 1 : null,
    confidence: u.insight ? u.insight.confidence : row.confidence,
    signal: u.insight ? (top?.type ?? null) : row.signal,
    source: u.source,
  };
}

/** Reads `?watch=ETHUSDT,SOLUSDT` (or a saved list): upper-cased, de-duplicated, at most WATCH_LIMIT. */
export function parseWatchList(text: string | null): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of text.split(',')) {
    const s = part.toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (s && !out.includes(s)) out.push(s);
  }
  return out.slice(0, WATCH_LIMIT);
}
