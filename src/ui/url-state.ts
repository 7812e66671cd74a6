import { isTimeframe } from '../core/candles/timeframe';
import type { SeriesKey } from '../core/candles/series-key';

/** The stream the page shows: the one SeriesKey (src/core/candles/series-key.ts). */
export type StreamSelection = SeriesKey;

export const DEFAULT_SELECTION: StreamSelection = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };

/** Reads `?exchange=&symbol=&tf=` from a URL, falling back to the defaults for missing or bad values. */
export function selectionFromUrl(url: URL): StreamSelection {
  const exchange = url.searchParams.get('exchange')?.toLowerCase() || DEFAULT_SELECTION.exchange;
  const symbol = (url.searchParams.get('symbol') || DEFAULT_SELECTION.symbol).toUpperCase().replace(/[^A-Z0-9]/g, '');
  const tf = url.searchParams.get('tf') ?? '';
  return {
    exchange,
    symbol: symbol || DEFAULT_SELECTION.symbol,
    timeframe: isTimeframe(tf) ? tf : DEFAULT_SELECTION.timeframe,
  };
}

/** Writes the selection into the URL's query, keeping any other parameters. */
export function selectionToUrl(url: URL, selection: StreamSelection): URL {
  const next = new URL(url);
  next.searchParams.set('exchange', selection.exchange);
  next.searchParams.set('symbol', selection.symbol);
  next.searchParams.set('tf', selection.timeframe);
  return next;
}
