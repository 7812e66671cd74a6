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

/** localStorage key of the watched symbols (the `?watch=` URL parameter wins when present). */
export const WATCH_KEY = 'candlecast.watch';

/** The watchlist a page opens with: the URL's `?watch=`, else the saved list. */
export function initialWatch(url: URL, storage: Pick<Storage, 'getItem'>): string[] {
  return parseWatchList(url.searchParams.get('watch') ?? storage.getItem(WATCH_KEY));
}

/** The list with `symbol` added (at the end) or removed; adding past WATCH_LIMIT leaves it unchanged. */
export function toggleWatch(list: readonly string[], symbol: string): string[] {
  if (list.includes(symbol)) return list.filter((s) => s !== symbol);
  return list.length >= WATCH_LIMIT ? [...list] : [...list, symbol];
}

/**
 * Keeps a watchlist: saved for the next visit and written into the page URL (shareable). Returns the URL the
 * page should show; the caller puts it in the history.
 */
export function saveWatch(list: readonly string[], storage: Pick<Storage, 'setItem'>, url: URL): URL {
  const kept = list.slice(0, WATCH_LIMIT);
  try {
    storage.setItem(WATCH_KEY, kept.join(','));
  } catch {
    // Storage full or denied: the URL still carries the list.
  }
  const next = new URL(url);
  if (kept.length > 0) next.searchParams.set('watch', kept.join(','));
  else next.searchParams.delete('watch');
  return next;
}
