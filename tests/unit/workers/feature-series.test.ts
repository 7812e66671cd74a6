import { describe, expect, it } from 'vitest';
import { FeatureEngine } from '../../../src/core/features/engine';
import { FEATURE_INDEX } from '../../../src/core/features/registry';
import { featureSeries } from '../../../workers/feature-series';
import { hasCandleData, loadCandles } from '../../helpers/data';

describe.skipIf(!hasCandleData)('featureSeries (the chart’s indicator columns)', () => {
  const candles = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 600);
  const names = ['sma_20', 'ema_50', 'bb_upper_20_2', 'rsi_14', 'macd_hist_12_26_9'];

  it('returns the newest rows, warmed up by all candles, equal to the streaming engine', () => {
    const series = featureSeries(candles, names, 100);
    expect(series.time).toEqual(candles.slice(-100).map((c) => c.time));
    const engine = new FeatureEngine();
    const rows = candles.map((c) => Float64Array.from(engine.update(c)));
    for (const n of names) {
      expect(series.values[n]).toHaveLength(100);
      const expected = rows.slice(-100).map((r) => r[FEATURE_INDEX.get(n)!]);
      expect(series.values[n]).toEqual(expected);
      expect(series.values[n]!.every(Number.isFinite)).toBe(true);
    }
    // SMA 20 is the plain mean of the last 20 closes.
    const last20 = candles.slice(-20).reduce((s, c) => s + c.close, 0) / 20;
    expect(series.values['sma_20']!.at(-1)).toBeCloseTo(last20, 6);
  });

  it('leaves the warm-up empty (NaN) and names unknown features', () => {
    const series = featureSeries(candles.slice(0, 30), ['sma_20']);
    expect(series.values['sma_20']!.slice(0, 19).every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(series.values['sma_20']![19])).toBe(true);
    expect(() => featureSeries(candles, ['sma_21'])).toThrow('unknown feature: sma_21');
    expect(featureSeries([], ['sma_20'])).toEqual({ time: [], values: { sma_20: [] } });
  });
});
