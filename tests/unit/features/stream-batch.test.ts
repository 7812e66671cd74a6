import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { toColumns } from '../../../src/core/candles/candle';
import { computeFeatures, FeatureEngine, modelFeatureMatrix } from '../../../src/core/features';
import { FEATURES, MODEL_FEATURE_NAMES, featureIndex } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';
import { mulberry32 as rng } from '../../../src/core/util/random';

/**
 * A provisional version of `c`: same open, a range from 0 to 1.6 times the final one (so replace-updates
 * also move highs and lows back down, the hard case for the max/min deques), close inside it.
 */
function partial(c: Candle, u: number, w: number): Candle {
  const close = c.low + (c.high - c.low) * u;
  return {
    time: c.time,
    open: c.open,
    high: Math.max(c.open, close, c.open + (c.high - c.open) * w),
    low: Math.min(c.open, close, c.open - (c.open - c.low) * w),
    close,
    volume: c.volume * w,
  };
}

function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let f = 0; f < a.length; f++) if (!Object.is(a[f], b[f])) return f;
  return -1;
}

const FILES: [string, number][] = [
  ['binance_BTCUSDT_1m_2023-03_2023-05.csv', 12_000], // includes the halt's flat zero-volume candles
  ['binance_ETHUSDT_1h_2023-01_2024-01.csv', 6_000],
  ['binance_DOGEUSDT_5m_2021-01_2021-05.csv', 5_000],
];

describe.skipIf(!hasCandleData)('streaming equals batch on real candles', () => {
  for (const [file, limit] of FILES) {
    it(`${file}: plain updates and replace-updates of the open candle give batch values bit for bit`, () => {
      let candles = loadCandles(file, limit);
      if (file.includes('BTCUSDT_1m_2023-03')) {
        // make sure the window holds the 2023-03-24 halt (flat zero-volume candles, then the gap)
        const halt = candles.findIndex((c) => c.volume === 0 && c.high === c.low);
        expect(halt).toBeGreaterThan(0);
        candles = loadCandles(file).slice(Math.max(0, halt - 8000), halt + 4000);
      }
      const batch = computeFeatures(toColumns(candles));
      const plain = new FeatureEngine();
      const replaced = new FeatureEngine();
      const rand = rng(42);
      const row = new Float64Array(FEATURES.length);
      for (let i = 0; i < candles.length; i++) {
        const c = candles[i]!;
        const a = plain.update(c);
        for (let f = 0; f < FEATURES.length; f++) row[f] = batch[f]![i]!;
        let d = firstDifference(a, row);
        if (d >= 0) expect.fail(`plain stream row ${i} ${FEATURES[d]!.name}: ${a[d]} vs batch ${row[d]}`);
        // 1-3 provisional versions of the candle, then the final one, all as replace-updates after the first
        const k = 1 + Math.floor(rand() * 3);
        replaced.update(partial(c, rand(), 1.6 * rand()), false);
        for (let j = 1; j < k; j++) replaced.update(partial(c, rand(), 1.6 * rand()), true);
        const b = replaced.update(c, true);
        d = firstDifference(b, row);
        if (d >= 0) expect.fail(`replace stream row ${i} ${FEATURES[d]!.name}: ${b[d]} vs batch ${row[d]}`);
      }
      expect(replaced.length).toBe(candles.length);
    });
  }

  it('modelInputs and modelFeatureMatrix hold the model columns of the same values', () => {
    const candles = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 3000);
    const m = modelFeatureMatrix(toColumns(candles));
    expect(m.names).toEqual(MODEL_FEATURE_NAMES);
    expect(m.rows).toBe(candles.length);
    const e = new FeatureEngine();
    const inputs = new Float64Array(MODEL_FEATURE_NAMES.length);
    for (let i = 0; i < candles.length; i++) {
      const row = e.update(candles[i]!);
      e.modelInputs(inputs);
      for (let j = 0; j < MODEL_FEATURE_NAMES.length; j++) {
        const v = m.values[i * MODEL_FEATURE_NAMES.length + j]!;
        if (!Object.is(inputs[j], v) || !Object.is(row[featureIndex(MODEL_FEATURE_NAMES[j]!)], v)) {
          expect.fail(`row ${i} ${MODEL_FEATURE_NAMES[j]}: ${inputs[j]} vs ${v}`);
        }
      }
    }
  });
});
