import { CandlecastConnection } from '../src/store/connection';
import { CandleStore } from '../src/store/candle-store';
import { InsightCache } from '../src/store/insight-cache';
import { PredictionStore } from '../src/store/prediction-store';
import { BacktestStore } from '../src/store/backtest-store';
import type { BacktestResult } from '../src/core/backtest';
import type { Insight } from '../src/core/insights/types';

/** The worker's IndexedDB stores (null when the platform has none: the engine then keeps memory only). */
export interface EngineStorage {
  candles: CandleStore;
  insights: InsightCache<Insight>;
  predictions: PredictionStore;
  backtests: BacktestStore<BacktestResult>;
  /** One line describing the last storage event worth showing (quota eviction, another tab upgrading), or null. */
  lastEvent(): string | null;
}

/** Opens the stores on the platform's IndexedDB (or `idbFactory`, e.g. fake-indexeddb in tests). */
export function openStorage(idbFactory?: IDBFactory, name?: string): EngineStorage | null {
  if (!idbFactory && typeof indexedDB === 'undefined') return null;
  let lastEvent: string | null = null;
  const connection = new CandlecastConnection({
    ...(idbFactory ? { idbFactory } : {}),
    ...(name ? { name } : {}),
    onState: (e) => {
      if (e.state !== 'open' && e.state !== 'opening') lastEvent = e.detail;
    },
  });
  return {
    candles: new CandleStore(connection, {
      onEviction: (report) => {
        lastEvent = report.reason;
      },
    }),
    insights: new InsightCache<Insight>(connection),
    predictions: new PredictionStore(connection),
    backtests: new BacktestStore<BacktestResult>(connection),
    lastEvent: () => lastEvent,
  };
}
