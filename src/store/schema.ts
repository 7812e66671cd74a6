import type { SeriesKey } from '../core/candles/series-key';
import type { DBSchema } from 'idb';
import type { Timeframe } from '../core/candles/timeframe';

/** Primary key of a stored candle: (exchange, symbol, timeframe, open time). */
export type CandleKey = [exchange: string, symbol: string, timeframe: string, time: number];
/** Key of one series, the prefix of CandleKey. */
export type SeriesKeyTuple = [exchange: string, symbol: string, timeframe: string];

/** The 'by-series' index key of a series. */
export function seriesTuple(key: SeriesKey): SeriesKeyTuple {
  return [key.exchange, key.symbol, key.timeframe];
}
/** Primary key of a stored prediction: (exchange, symbol, timeframe, candle time, horizon in candles). */
export type PredictionKey = [exchange: string, symbol: string, timeframe: string, time: number, horizon: number];

/** A candle as stored: the candle's fields plus the series it belongs to (the key path reads all four). */
export interface StoredCandleRecord {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface InsightCacheRecord<T = unknown> {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  time: number;
  /** Epoch ms when the value was cached; the entry expires at storedAt + ttl. */
  storedAt: number;
  value: T;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export interface ModelFileRecord {
  url: string;
  version: string;
  data: ArrayBuffer;
  bytes: number;
  storedAt: number;
}

export interface PredictionDbRecord {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  time: number;
  horizon: number;
  predictedReturn: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Realized return over the horizon; null until scored. */
  realized: number | null;
  createdAt: number;
  scoredAt: number | null;
  /** Epoch ms when the horizon has passed (the target candle has closed). */
  due: number;
  /** Present (= due) only while unscored, so the sparse `by-pending` index lists exactly the unscored rows. */
  pendingDue?: number;
}

export const STORE = {
  candles: 'candles',
  insights: 'insights',
  settings: 'settings',
  models: 'models',
  predictions: 'predictions',
  backtests: 'backtests',
  alerts: 'alerts',
  alertLog: 'alertLog',
} as const;

/** A cached backtest result; `id` names the series (and its extent), the model version and the costs. */
export interface BacktestRecord {
  id: string;
  storedAt: number;
  value: unknown;
}

/** An alert condition of one stream (see src/core/alerts). */
export interface AlertRecord extends SeriesKey {
  id?: number;
  condition: unknown;
  createdAt: number;
}

/** One fired alert, for the in-app alert log. */
export interface AlertLogRecord extends SeriesKey {
  id?: number;
  alertId: number;
  /** Open time of the candle whose insight fired it. */
  time: number;
  message: string;
  firedAt: number;
}

export interface CandlecastSchema extends DBSchema {
  candles: {
    key: CandleKey;
    value: StoredCandleRecord;
    indexes: { 'by-time': number };
  };
  insights: {
    key: CandleKey;
    value: InsightCacheRecord;
    indexes: { 'by-series': SeriesKeyTuple };
  };
  settings: {
    key: string;
    value: SettingRecord;
  };
  models: {
    key: [url: string, version: string];
    value: ModelFileRecord;
  };
  predictions: {
    key: PredictionKey;
    value: PredictionDbRecord;
    indexes: { 'by-pending': number };
  };
  backtests: {
    key: string;
    value: BacktestRecord;
  };
  alerts: {
    key: number;
    value: AlertRecord;
  };
  alertLog: {
    key: number;
    value: AlertLogRecord;
  };
}
