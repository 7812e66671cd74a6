import { withDb, type DbSource } from './connection';

/** What identifies a backtest result: the series as it was (extent and length), the model version and the costs. */
export interface BacktestCacheKey {
  exchange: string;
  symbol: string;
  timeframe: string;
  first: number;
  last: number;
  candles: number;
  modelVersion: string | null;
  cost: number;
  slippage: number;
}

export function backtestCacheId(k: BacktestCacheKey): string {
  return [
    k.exchange,
    k.symbol,
    k.timeframe,
    k.first,
    k.last,
    k.candles,
    k.modelVersion ?? 'no-models',
    k.cost,
    k.slippage,
  ].join('|');
}

/**
 * Backtest results cached per (series, model version, cost, slippage): a series that grew, another model or
 * other costs make another key, so a stale result is never served.
 */
export class BacktestStore<T> {
  constructor(private readonly source: DbSource) {}

  async get(key: BacktestCacheKey): Promise<T | null> {
    return withDb(this.source, async (db) => {
      const record = await db.get('backtests', backtestCacheId(key));
      return record ? (record.value as T) : null;
    });
  }

  async put(key: BacktestCacheKey, value: T, now = Date.now()): Promise<void> {
    return withDb(this.source, async (db) => {
      await db.put('backtests', { id: backtestCacheId(key), storedAt: now, value });
    });
  }
}
