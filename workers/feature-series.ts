import { toColumns, type Candle } from '../src/core/candles/candle';
import { computeFeatures } from '../src/core/features';
import { FEATURE_INDEX } from '../src/core/features/registry';
import type { FeatureSeries } from './engine-api';

/**
 * The named feature columns of `candles` (oldest first) for the newest `limit` of them, computed by the engine's
 * batch path (`computeFeatures`, equal to the streaming FeatureEngine bit for bit) over all the candles, so the
 * rows returned are warmed up by the earlier ones. An unknown name is a RangeError naming it.
 */
export function featureSeries(candles: readonly Candle[], names: readonly string[], limit?: number): FeatureSeries {
  const unknown = names.filter((n) => !FEATURE_INDEX.has(n));
  if (unknown.length > 0) throw new RangeError(`unknown feature: ${unknown.join(', ')}`);
  const from = limit === undefined ? 0 : Math.max(0, candles.length - limit);
  const time = candles.slice(from).map((c) => c.time);
  const values: Record<string, number[]> = {};
  if (candles.length === 0 || names.length === 0) {
    for (const n of names) values[n] = [];
    return { time, values };
  }
  const columns = computeFeatures(toColumns(candles));
  for (const n of names) values[n] = Array.from(columns[FEATURE_INDEX.get(n)!]!.subarray(from));
  return { time, values };
}
