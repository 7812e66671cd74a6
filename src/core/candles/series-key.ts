import { isTimeframe, parseTimeframe, type Timeframe } from './timeframe';

/** Imported candles are stored under this exchange name. */
export const IMPORT_EXCHANGE = 'import';
/** A replay's stream is named by this exchange and the replayed series' symbol and timeframe. */
export const REPLAY_EXCHANGE = 'replay';

/**
 * The key of one candle series: (exchange, symbol, timeframe). The store addresses rows by it, the worker names
 * streams by it and the insight cache keys on it; this is its one definition.
 */
export interface SeriesKey {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

/** The key as stored and compared: exchange in lower case, symbol in upper case, surrounding spaces dropped. */
export function normalizeSeriesKey(key: SeriesKey): SeriesKey {
  return {
    exchange: key.exchange.trim().toLowerCase(),
    symbol: key.symbol.trim().toUpperCase(),
    timeframe: key.timeframe,
  };
}

/** One candle of a series: the series key and the candle's open time (insight cache entries, prediction ids). */
export interface SeriesTime extends SeriesKey {
  time: number;
}

/**
 * The normalised key of loose parts (an API call's arguments): throws one clear line for an unknown timeframe.
 */
export function seriesKeyOf(exchange: string, symbol: string, timeframe: string): SeriesKey {
  return normalizeSeriesKey({ exchange, symbol, timeframe: parseTimeframe(timeframe) });
}

/** A stable string id of a normalised key, `exchange:SYMBOL:timeframe` (map keys, cache keys, URLs). */
export function seriesId(key: SeriesKey): string {
  const k = normalizeSeriesKey(key);
  return `${k.exchange}:${k.symbol}:${k.timeframe}`;
}

/** True when both keys hold the same fields (normalise keys from outside first). */
export function sameSeries(a: SeriesKey, b: SeriesKey): boolean {
  return a.exchange === b.exchange && a.symbol === b.symbol && a.timeframe === b.timeframe;
}

/** Throws one clear line when the key cannot address a series. */
export function checkSeriesKey(key: SeriesKey): void {
  if (typeof key.exchange !== 'string' || key.exchange === '') throw new Error('series key: exchange is empty');
  if (typeof key.symbol !== 'string' || key.symbol === '') throw new Error('series key: symbol is empty');
  if (!isTimeframe(key.timeframe)) throw new Error(`series key: unknown timeframe "${String(key.timeframe)}"`);
}

/** "exchange SYMBOL timeframe", for messages. */
export function describeSeries(key: SeriesKey): string {
  return `${key.exchange} ${key.symbol} ${key.timeframe}`;
}
