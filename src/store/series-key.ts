import { isTimeframe, type Timeframe } from '../core/candles/timeframe';
import type { SeriesKeyTuple } from './schema';

export interface StoredSeriesKey {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
}

/** Throws one clear line when the series key cannot address stored rows. */
export function checkSeriesKey(key: StoredSeriesKey): void {
  if (typeof key.exchange !== 'string' || key.exchange === '') throw new Error('series key: exchange is empty');
  if (typeof key.symbol !== 'string' || key.symbol === '') throw new Error('series key: symbol is empty');
  if (!isTimeframe(key.timeframe)) throw new Error(`series key: unknown timeframe "${String(key.timeframe)}"`);
}

export function seriesTuple(key: StoredSeriesKey): SeriesKeyTuple {
  return [key.exchange, key.symbol, key.timeframe];
}

export function describeSeries(key: StoredSeriesKey): string {
  return `${key.exchange} ${key.symbol} ${key.timeframe}`;
}
