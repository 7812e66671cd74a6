import { beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import { CandleStore } from '../../../src/store/candle-store';
import { openCandlecastDb } from '../../../src/store/db';
import { predictionDue, PredictionStore, type PredictionInput } from '../../../src/store/prediction-store';
import { syntheticCandles } from './candles';
import { freshIdbFactory } from '../../helpers/fake-idb';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const BTC: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const ETH: SeriesKey = { exchange: 'binance', symbol: 'ETHUSDT', timeframe: '1m' };

function prediction(series: SeriesKey, minute: number, horizon: number, predictedReturn = 0.001): PredictionInput {
  return {
    ...series,
    time: T0 + minute * MIN,
    horizon,
    predictedReturn,
    lower: predictedReturn - 0.002,
    upper: predictedReturn + 0.002,
    confidence: 0.55,
  };
}

describe('PredictionStore', () => {
  let clock: number;
  let predictions: PredictionStore;
  let candles: CandleStore;

  beforeEach(async () => {
    const db = await openCandlecastDb('predictions', freshIdbFactory());
    clock = T0 + 10 * MIN;
    predictions = new PredictionStore(db, { now: () => clock });
    candles = new CandleStore(db);
  });

  it('is due when the target candle closes', () => {
    expect(predictionDue('1m', T0, 1)).toBe(T0 + 2 * MIN);
    expect(predictionDue('1h', T0, 5)).toBe(T0 + 6 * 3_600_000);
  });

  it('stores predictions unscored, lists the due ones earliest first, and scores them', async () => {
    await predictions.put([prediction(BTC, 0, 1), prediction(BTC, 0, 5), prediction(ETH, 1, 1), prediction(BTC, 2, 1)]);
    const stored = await predictions.get({ ...BTC, time: T0, horizon: 5 });
    expect(stored).toEqual({
      ...prediction(BTC, 0, 5),
      realized: null,
      createdAt: clock,
      scoredAt: null,
      due: T0 + 6 * MIN,
    });
    const due = await predictions.listUnscored({ dueBy: T0 + 3 * MIN });
    expect(due.map((p) => [p.symbol, (p.time - T0) / MIN, p.horizon])).toEqual([
      ['BTCUSDT', 0, 1],
      ['ETHUSDT', 1, 1],
    ]);
    expect((await predictions.listUnscored({ series: ETH })).length).toBe(1);
    expect((await predictions.listUnscored()).length).toBe(4);

    clock += 5;
    const scored = await predictions.score({ ...BTC, time: T0, horizon: 1 }, -0.0042);
    expect(scored).toMatchObject({ realized: -0.0042, scoredAt: clock, predictedReturn: 0.001 });
    expect((await predictions.listUnscored()).map((p) => p.horizon)).toEqual([1, 1, 5]);
    expect(await predictions.get({ ...BTC, time: T0, horizon: 1 })).toEqual(scored);
  });

  it('keeps the realized return when the same prediction is put again', async () => {
    await predictions.put([prediction(BTC, 0, 1, 0.001)]);
    await predictions.score({ ...BTC, time: T0, horizon: 1 }, 0.003);
    await predictions.put([prediction(BTC, 0, 1, 0.002)]);
    const again = await predictions.get({ ...BTC, time: T0, horizon: 1 });
    expect(again).toMatchObject({ predictedReturn: 0.002, realized: 0.003 });
    expect(await predictions.listUnscored()).toEqual([]);
  });

  it('reads a range ascending by time then horizon, optionally one horizon', async () => {
    await predictions.put([
      prediction(BTC, 3, 5),
      prediction(BTC, 1, 15),
      prediction(BTC, 1, 1),
      prediction(ETH, 2, 1),
    ]);
    const all = await predictions.range(BTC);
    expect(all.map((p) => [(p.time - T0) / MIN, p.horizon])).toEqual([
      [1, 1],
      [1, 15],
      [3, 5],
    ]);
    expect((await predictions.range(BTC, T0 + 2 * MIN)).map((p) => p.horizon)).toEqual([5]);
    expect((await predictions.range(BTC, undefined, undefined, 15)).map((p) => p.time)).toEqual([T0 + MIN]);
  });

  it('scores due predictions from stored candles: close(t + h) / close(t) - 1', async () => {
    const series = syntheticCandles(8, T0); // closes 100.5, 100.5, 102.5, 102.5, ...
    await candles.upsert(BTC, series);
    await predictions.put([prediction(BTC, 0, 1), prediction(BTC, 2, 5), prediction(BTC, 6, 5)]);
    const result = await predictions.scoreFromCandles(candles, T0 + 8 * MIN);
    // (0, h1) is due at minute 2 and (2, h5) at minute 8, both with their candles stored; (6, h5) is not due.
    expect(result).toEqual({ scored: 2, missingCandles: 0 });
    expect((await predictions.get({ ...BTC, time: T0, horizon: 1 }))!.realized).toBeCloseTo(
      Math.log(series[1]!.close / series[0]!.close),
      15,
    );
    expect((await predictions.get({ ...BTC, time: T0 + 2 * MIN, horizon: 5 }))!.realized).toBeCloseTo(
      Math.log(series[7]!.close / series[2]!.close),
      15,
    );
    // (6, h5) is not due until minute 12; once due, its target candle (minute 11) is missing.
    expect(await predictions.scoreFromCandles(candles, T0 + 12 * MIN)).toEqual({ scored: 0, missingCandles: 1 });
    expect((await predictions.listUnscored()).map((p) => p.time)).toEqual([T0 + 6 * MIN]);
  });

  it('rejects invalid predictions whole, naming the bad one', async () => {
    await expect(predictions.put([prediction(BTC, 0, 1), { ...prediction(BTC, 1, 0) }])).rejects.toThrow(
      /^prediction #1 \(binance BTCUSDT 1m time \d+ horizon 0\): horizon 0 is not a positive whole number$/,
    );
    await expect(predictions.put([{ ...prediction(BTC, 0, 1), confidence: 1.2 }])).rejects.toThrow(
      'confidence 1.2 is outside [0, 1]',
    );
    await expect(predictions.put([{ ...prediction(BTC, 0, 1), lower: 1, upper: 0 }])).rejects.toThrow(
      'lower 1 > upper 0',
    );
    await expect(predictions.put([{ ...prediction(BTC, 0, 1), predictedReturn: Number.NaN }])).rejects.toThrow(
      'predictedReturn NaN is not finite',
    );
    expect(await predictions.range(BTC)).toEqual([]);
    await expect(predictions.score({ ...BTC, time: T0, horizon: 1 }, 0.1)).rejects.toThrow('no such prediction');
    await predictions.put([prediction(BTC, 0, 1)]);
    await expect(predictions.score({ ...BTC, time: T0, horizon: 1 }, Infinity)).rejects.toThrow('is not finite');
  });
});
