import { describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { computeFeaturesParallel, PARALLEL_MIN_ROWS } from '../../../src/core/features/batch/parallel-node';
import { computeFeatures } from '../../../src/core/features';
import { FEATURES } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';

/** Index of the first (feature, row) where the two batches differ (Object.is), or null. */
function firstDifference(a: Float64Array[], b: Float64Array[]): string | null {
  if (a.length !== b.length) return `${a.length} vs ${b.length} columns`;
  for (let f = 0; f < a.length; f++) {
    if (a[f]!.length !== b[f]!.length) return `${FEATURES[f]!.name}: ${a[f]!.length} vs ${b[f]!.length} rows`;
    for (let i = 0; i < a[f]!.length; i++) {
      if (!Object.is(a[f]![i], b[f]![i])) return `${FEATURES[f]!.name} row ${i}: ${a[f]![i]} vs ${b[f]![i]}`;
    }
  }
  return null;
}

describe.skipIf(!hasCandleData)('two-thread batch (Node worker_threads)', () => {
  // 1m candles across the March 2023 halt (flat zero-volume candles) and the gap after it; GARCH fits several times.
  const cols = toColumns(loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv', 80_000));

  it('equals the single-thread batch bit for bit, twice in a row (the side thread is reused)', async () => {
    expect(cols.close.length).toBeGreaterThanOrEqual(PARALLEL_MIN_ROWS);
    const single = computeFeatures(cols);
    const first = await computeFeaturesParallel(cols);
    expect(first[0]!.buffer).toBeInstanceOf(SharedArrayBuffer); // the two-thread path ran
    expect(firstDifference(first, single)).toBeNull();
    const second = await computeFeaturesParallel(cols);
    expect(second[0]!.buffer).not.toBe(first[0]!.buffer);
    expect(firstDifference(second, single)).toBeNull();
    // garch_vol and garch_vol_ratio (filled after both threads) have values, not only warm-up
    const gv = FEATURES.findIndex((f) => f.name === 'garch_vol_ratio');
    expect(second[gv]!.some((v) => Number.isFinite(v))).toBe(true);
  });

  it("rejects an invalid candle with the streaming engine's one-line RangeError", async () => {
    const candles: Candle[] = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv', PARALLEL_MIN_ROWS + 10);
    candles[PARALLEL_MIN_ROWS + 5] = { ...candles[PARALLEL_MIN_ROWS + 5]!, high: 1, low: 2 };
    const bad = toColumns(candles);
    expect(() => computeFeatures(bad)).toThrow(/^invalid candle for the feature engine: open .* high 1 low 2/);
    await expect(computeFeaturesParallel(bad)).rejects.toThrow(
      /^invalid candle for the feature engine: open .* high 1 low 2/,
    );
  });

  it('short series take the single-thread path with the same values', async () => {
    const short = toColumns(loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv', 3000));
    const out = await computeFeaturesParallel(short);
    expect(out[0]!.buffer).toBeInstanceOf(ArrayBuffer);
    expect(firstDifference(out, computeFeatures(short))).toBeNull();
  });
});
