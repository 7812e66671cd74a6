/**
 * No look-ahead in what the price ensemble trains on: model features at t do not change when candles after t
 * change, and the target of row t depends on candles t..t+h only.
 */
import { describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { modelFeatureMatrix } from '../../../src/core/features';
import { horizonTargets } from '../../../training/ensemble/targets';
import { hasCandleData, loadCandles } from '../../helpers/data';

const HORIZONS = [1, 5, 15, 60];

function perturbAfter(candles: readonly Candle[], t: number): Candle[] {
  return candles.map((c, i) =>
    i <= t
      ? c
      : {
          ...c,
          open: c.open * 0.7,
          high: c.high * 0.75,
          low: c.low * 0.6,
          close: c.close * 0.72,
          volume: c.volume * 5 + 1,
        },
  );
}

describe.skipIf(!hasCandleData)('price ensemble inputs have no look-ahead', () => {
  const candles = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 2600);

  it.each([1200, 1750, 2400])('model features up to t=%i are identical when the candles after t change', (t) => {
    const a = modelFeatureMatrix(toColumns(candles));
    const b = modelFeatureMatrix(toColumns(perturbAfter(candles, t)));
    const f = a.names.length;
    let finite = 0;
    for (let i = 0; i < (t + 1) * f; i++) {
      if (!Object.is(a.values[i], b.values[i]))
        throw new Error(`feature ${a.names[i % f]} at row ${Math.floor(i / f)} changed`);
      if (Number.isFinite(a.values[i]!)) finite++;
    }
    expect(finite).toBeGreaterThan(0.9 * (t + 1) * f);
    // the perturbation is visible right after t
    let changed = 0;
    for (let j = 0; j < f; j++) if (!Object.is(a.values[(t + 1) * f + j], b.values[(t + 1) * f + j])) changed++;
    expect(changed).toBeGreaterThan(f / 4);
  });

  it('the target of row t only uses candles t..t+h', () => {
    const t = 1500;
    const cols = toColumns(candles);
    const base = horizonTargets(cols.time, cols.close, 3_600_000, HORIZONS);
    HORIZONS.forEach((h, k) => {
      const changed = toColumns(perturbAfter(candles, t + h));
      const y = horizonTargets(changed.time, changed.close, 3_600_000, HORIZONS);
      for (let r = 0; r <= t; r++)
        expect(Object.is(y[r * HORIZONS.length + k], base[r * HORIZONS.length + k])).toBe(true);
      expect(y[(t + 1) * HORIZONS.length + k]).not.toBe(base[(t + 1) * HORIZONS.length + k]);
      expect(base[t * HORIZONS.length + k]).toBeCloseTo(Math.log(cols.close[t + h]! / cols.close[t]!), 14);
    });
  });
});
