import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { toColumns } from '../../../src/core/candles/candle';
import { computeFeatures, FeatureEngine, modelFeatureMatrix } from '../../../src/core/features';
import { FEATURES, MODEL_FEATURE_NAMES } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';

function streamMessage(candles: Candle[]): string {
  const e = new FeatureEngine();
  try {
    for (const c of candles) e.update(c);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('batch mode input checks', () => {
  const good: Candle = { time: 0, open: 10, high: 11, low: 9, close: 10.5, volume: 3 };
  const bad: [string, Partial<Candle>][] = [
    ['NaN close', { close: NaN }],
    ['zero open', { open: 0 }],
    ['negative volume', { volume: -1 }],
    ['high below low', { high: 8 }],
    ['infinite high', { high: Infinity }],
    ['NaN volume', { volume: NaN }],
  ];
  for (const [what, patch] of bad) {
    it(`${what}: the streaming engine's one-line RangeError, before anything is computed`, () => {
      const candles = [good, { ...good, time: 60_000 }, { ...good, time: 120_000, ...patch }];
      const msg = streamMessage(candles);
      expect(msg).toMatch(/^invalid candle for the feature engine: /);
      expect(msg).not.toContain('\n');
      expect(() => computeFeatures(toColumns(candles))).toThrow(RangeError);
      expect(() => computeFeatures(toColumns(candles))).toThrow(msg);
      expect(() => modelFeatureMatrix(toColumns(candles))).toThrow(msg);
    });
  }

  it('empty input gives empty columns', () => {
    const cols = computeFeatures(toColumns([]));
    expect(cols).toHaveLength(FEATURES.length);
    for (const c of cols) expect(c).toHaveLength(0);
    expect(modelFeatureMatrix(toColumns([])).values).toHaveLength(0);
  });
});

describe.skipIf(!hasCandleData)('batch mode on short inputs', () => {
  it('1 to 40 candles (all warm-up boundaries) equal the streaming values bit for bit', () => {
    const all = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 40);
    for (const n of [1, 2, 3, 5, 14, 15, 20, 21, 27, 28, 29, 33, 34, 40]) {
      const candles = all.slice(0, n);
      const batch = computeFeatures(toColumns(candles));
      const e = new FeatureEngine();
      for (let i = 0; i < n; i++) {
        const row = e.update(candles[i]!);
        for (let f = 0; f < FEATURES.length; f++) {
          if (!Object.is(row[f], batch[f]![i])) {
            expect.fail(`${n} candles, row ${i} ${FEATURES[f]!.name}: stream ${row[f]} vs batch ${batch[f]![i]}`);
          }
        }
      }
      const m = modelFeatureMatrix(toColumns(candles));
      expect(m.values).toHaveLength(n * MODEL_FEATURE_NAMES.length);
    }
  });
});
