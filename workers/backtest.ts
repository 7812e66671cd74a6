import { runBacktest, type BacktestResult } from '../src/core/backtest';
import type { Candle } from '../src/core/candles/candle';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { modelStatusOf } from '../src/core/insights/pipeline';
import type { BacktestStore } from '../src/store/backtest-store';
import type { SeriesKey } from '../src/core/candles/series-key';
import type { BacktestRun, BacktestRequest } from './engine-api';

/**
 * The worker's backtest operation: the core backtest of a stored series (cached or imported candles) with the
 * engine's models, its result cached in IndexedDB per (series, model version, cost, slippage). Progress goes
 * to `onProgress` as the stages advance; a cached result comes back at once with `cached: true`.
 */
export async function backtestSeries(
  key: SeriesKey,
  candles: readonly Candle[],
  models: PipelineModels,
  request: BacktestRequest,
  store: BacktestStore<BacktestResult> | null,
  onProgress?: (stage: string, fraction: number) => void,
): Promise<BacktestRun> {
  if (candles.length === 0)
    throw new Error(`nothing to backtest: no stored candles for ${key.exchange} ${key.symbol} ${key.timeframe}`);
  const cacheKey = {
    ...key,
    first: candles[0]!.time,
    last: candles.at(-1)!.time,
    candles: candles.length,
    modelVersion: modelStatusOf(models).model_version,
    cost: request.cost,
    slippage: request.slippage,
  };
  if (store && !request.refresh) {
    const hit = await store.get(cacheKey).catch(() => null);
    if (hit) return { ...hit, cached: true, computedMs: 0 };
  }
  const started = performance.now();
  const result = await runBacktest(candles, models, {
    cost: request.cost,
    slippage: request.slippage,
    key,
    progress: onProgress,
  });
  const computedMs = performance.now() - started;
  if (store) await store.put(cacheKey, result).catch(() => undefined);
  return { ...result, cached: false, computedMs };
}
