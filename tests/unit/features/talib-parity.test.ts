import { describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { computeFeatures } from '../../../src/core/features';
import { featureIndex, FEATURES } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';
import { TALIB_CASES, talibSeries } from './talib-oracle';

// Several symbols and timeframes; the 2023-03 1m files contain the trading halt (flat zero-volume
// candles) and an 80-minute gap. The last rows rescale real candles (prices x k, volume / k) to the price levels of
// assets not in the data: sub-cent tokens (1e-5 .. 1e-9 per unit) and prices in the millions. TA-Lib's absolute
// epsilons (TA_IS_ZERO and friends) must be followed exactly for these to agree.
const FILES: [file: string, limit: number | undefined, priceScale: number][] = [
  ['binance_BTCUSDT_1h_2023-01_2024-01.csv', undefined, 1],
  ['binance_BTCUSDT_1m_2023-03_2023-05.csv', 30_000, 1],
  ['binance_DOGEUSDT_1m_2023-03_2023-05.csv', 30_000, 1],
  ['binance_ETHUSDT_1d_2017-08_2021-06.csv', undefined, 1],
  ['binance_SOLUSDT_15m_2023-04_2024-04.csv', 20_000, 1],
  ['binance_XRPUSDT_1d_2018-05_2021-06.csv', undefined, 1],
  ['binance_DOGEUSDT_1m_2023-03_2023-05.csv', 10_000, 1e-4],
  ['binance_BTCUSDT_1h_2023-01_2024-01.csv', undefined, 1e-13],
  ['binance_BTCUSDT_1h_2023-01_2024-01.csv', undefined, 100],
];

function rescaled(file: string, limit: number | undefined, k: number): Candle[] {
  const candles = loadCandles(file, limit);
  if (k === 1) return candles;
  return candles.map((c) => ({
    ...c,
    open: c.open * k,
    high: c.high * k,
    low: c.low * k,
    close: c.close * k,
    volume: c.volume / k,
  }));
}

/** Relative error with an absolute floor of 1e-9 times the series' typical magnitude (for values near 0). */
function maxRelError(ours: Float64Array, ref: Float64Array): { err: number; at: number; emptyMismatch: number } {
  let scale = 0;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    if (r === r) {
      scale += Math.abs(r);
      m++;
    }
  }
  const floor = m > 0 ? (1e-9 * scale) / m : 1e-12;
  let err = 0;
  let at = -1;
  let emptyMismatch = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i]!;
    const b = ref[i]!;
    if (a !== a || b !== b) {
      if (a === a || b === b) emptyMismatch++;
      continue;
    }
    const e = Math.abs(a - b) / Math.max(Math.abs(b), floor);
    if (e > err) {
      err = e;
      at = i;
    }
  }
  return { err, at, emptyMismatch };
}

describe.skipIf(!hasCandleData)('TA-Lib parity on real candles (talib npm package as oracle)', () => {
  it('covers every TA-Lib-backed feature named in its registry description', () => {
    const described = FEATURES.filter((f) => f.description.startsWith('TA-Lib')).map((f) => f.name);
    expect(new Set(TALIB_CASES.map((c) => c.feature))).toEqual(new Set(described));
  });

  for (const [file, limit, k] of FILES) {
    describe(k === 1 ? file : `${file}, prices x ${k}`, () => {
      const cols = toColumns(rescaled(file, limit, k));
      const ours = computeFeatures(cols);
      for (const c of TALIB_CASES) {
        it(`${c.feature} = TA-Lib ${c.name}.${c.output} (same begIndex, max rel err <= 1e-6)`, () => {
          const ref = talibSeries(c, cols);
          const col = ours[featureIndex(c.feature)]!;
          const firstRef = ref.findIndex((v) => v === v);
          expect(firstRef).toBe(FEATURES[featureIndex(c.feature)]!.warmup);
          const { err, at, emptyMismatch } = maxRelError(col, ref);
          expect(emptyMismatch, 'empty cells must coincide with TA-Lib warm-up').toBe(0);
          expect(err, `worst at row ${at}: ours ${col[at]} talib ${ref[at]}`).toBeLessThanOrEqual(1e-6);
        });
      }
    });
  }
});
