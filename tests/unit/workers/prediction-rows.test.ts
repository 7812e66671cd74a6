import { describe, expect, it } from 'vitest';
import { scoreHorizon } from '../../../src/core/insights/track-record';
import { HORIZONS, type HorizonPrediction, type Insight } from '../../../src/core/insights/types';
import { ENSEMBLE_MEMBERS } from '../../../src/core/models/price-ensemble-params';
import type { PredictionRecord } from '../../../src/store/prediction-store';
import { predictionRows, scoreRows, scoredFromRow } from '../../../workers/prediction-rows';

const KEY = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;
const T0 = Date.UTC(2024, 0, 1);

function prediction(ret: number, lower: number, upper: number, confidence: number): HorizonPrediction {
  return {
    prediction: 100 * Math.exp(ret),
    return: ret,
    lower,
    upper,
    confidence,
    std: 0.01,
    models: Object.fromEntries(ENSEMBLE_MEMBERS.map((m) => [m, ret])) as HorizonPrediction['models'],
    skill: ret !== 0,
    abstain_reason: null,
  };
}

function record(horizon: number, time: number, predicted: number, realized: number | null): PredictionRecord {
  return {
    ...KEY,
    time,
    horizon,
    predictedReturn: predicted,
    lower: -0.02,
    upper: 0.02,
    confidence: 0.6,
    realized,
    createdAt: time,
    scoredAt: realized === null ? null : time + 1,
    due: time + (horizon + 1) * 60_000,
  };
}

describe('prediction rows (IndexedDB encoding of an Insight’s price predictions)', () => {
  it('writes one row per horizon in log returns relative to the close', () => {
    const insight = {
      time: T0,
      current_price: 200,
      price_predictions: { '1': prediction(0.001, 190, 210, 0.55), '15': prediction(-0.004, 180, 205, 0.62) },
    } as Pick<Insight, 'time' | 'current_price' | 'price_predictions'> as Insight;
    expect(predictionRows(KEY, insight)).toEqual([
      {
        ...KEY,
        time: T0,
        horizon: 1,
        predictedReturn: 0.001,
        lower: Math.log(0.95),
        upper: Math.log(1.05),
        confidence: 0.55,
      },
      {
        ...KEY,
        time: T0,
        horizon: 15,
        predictedReturn: -0.004,
        lower: Math.log(0.9),
        upper: Math.log(1.025),
        confidence: 0.62,
      },
    ]);
  });

  it('reads a scored row back at a close of 1', () => {
    const s = scoredFromRow({ ...record(5, T0, 0.003, 0.01), realized: 0.01 }, 5);
    expect(s).toEqual({
      time: T0,
      horizon: 5,
      close: 1,
      predictedReturn: 0.003,
      lower: Math.exp(-0.02),
      upper: Math.exp(0.02),
      confidence: 0.6,
      realizedClose: Math.exp(0.01),
      realizedReturn: 0.01,
    });
  });

  it('scores every horizon over the scored rows only', () => {
    const rows = [
      record(1, T0, 0.002, 0.001), // hit, inside the interval
      record(1, T0 + 60_000, 0.002, -0.03), // miss, outside
      record(1, T0 + 120_000, 0.002, null), // not scored yet: left out
      record(5, T0, -0.001, -0.002), // hit
    ];
    const scores = scoreRows(rows);
    expect(scores.map((s) => s.horizon)).toEqual([...HORIZONS]);
    const one = scores.find((s) => s.horizon === 1)!;
    expect(one).toMatchObject({ scored: 2, claimed: 2, hitRate: 0.5, coverage: 0.5 });
    expect(scores.find((s) => s.horizon === 5)).toMatchObject({ scored: 1, hitRate: 1, coverage: 1 });
    expect(scores.find((s) => s.horizon === 60)).toEqual(scoreHorizon(60, []));
  });
});
