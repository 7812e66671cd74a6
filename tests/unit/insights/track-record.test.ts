import { describe, expect, it } from 'vitest';
import { TrackRecorder, scoreHorizon, type ScoredPrediction } from '../../../src/core/insights/track-record';
import type { HorizonPrediction } from '../../../src/core/insights/types';

const prediction = (ret: number, lower: number, upper: number, confidence = 0.6): HorizonPrediction => ({
  prediction: 0,
  return: ret,
  lower,
  upper,
  confidence,
  std: 0,
  models: { xgboost: 0, hist_gbdt: 0, random_forest: 0 },
  skill: true,
  abstain_reason: null,
});

describe('TrackRecorder', () => {
  it('scores each prediction h closes later against the realised close', () => {
    const rec = new TrackRecorder();
    const closes = [100, 101, 102, 101, 103, 104, 100];
    const scored: ScoredPrediction[] = [];
    closes.forEach((close, i) => {
      const preds = i === 0 ? { '1': prediction(0.01, 99, 102), '5': prediction(-0.01, 95, 103.5) } : null;
      scored.push(...rec.onClose(i * 60_000, close, preds));
    });
    expect(scored.map((s) => [s.horizon, s.realizedClose])).toEqual([
      [1, 101],
      [5, 104],
    ]);
    const [one, five] = scored;
    expect(one!.realizedReturn).toBeCloseTo(Math.log(101 / 100), 15);
    const scores = rec.scores();
    const base = { ic: null, calibrationError: null };
    expect(scores[0]).toEqual({ ...base, horizon: 1, scored: 1, claimed: 1, hitRate: 1, coverage: 1 });
    // Predicted down, went up to 104, outside [95, 103.5].
    expect(five!.realizedReturn).toBeGreaterThan(0);
    expect(scores[1]).toEqual({ ...base, horizon: 5, scored: 1, claimed: 1, hitRate: 0, coverage: 0 });
    expect(scores[2]).toEqual({ ...base, horizon: 15, scored: 0, claimed: 0, hitRate: null, coverage: null });
  });

  it('computes IC once enough predictions are scored', () => {
    const scored: ScoredPrediction[] = Array.from({ length: 20 }, (_, i) => ({
      time: i,
      horizon: 1,
      close: 100,
      predictedReturn: i - 10,
      lower: 0,
      upper: 1000,
      confidence: 0.5,
      realizedClose: 100,
      realizedReturn: (i - 10) * 2 + (i % 2 === 0 ? 0.5 : -0.5),
    }));
    const s = scoreHorizon(1, scored);
    expect(s.ic).toBeGreaterThan(0.99);
    expect(s.coverage).toBe(1);
    // i = 10 predicted exactly 0: an abstention, left out of hit rate, IC and calibration; the other 19 agree
    expect(s.claimed).toBe(19);
    expect(s.hitRate).toBe(1);
    // calibration needs 20 claimed predictions
    expect(s.calibrationError).toBeNull();
  });

  it('measures calibration over the claimed predictions', () => {
    // confidence 0.6, 60% right: perfectly calibrated; abstentions (return 0) do not count
    const scored: ScoredPrediction[] = Array.from({ length: 110 }, (_, i) => ({
      time: i,
      horizon: 1,
      close: 100,
      predictedReturn: i < 100 ? 0.001 : 0,
      lower: 99,
      upper: 101,
      confidence: i < 100 ? 0.6 : 0.5,
      realizedClose: 100,
      realizedReturn: i % 10 < 6 ? 0.002 : -0.002,
    }));
    const s = scoreHorizon(1, scored);
    expect(s.claimed).toBe(100);
    expect(s.hitRate).toBeCloseTo(0.6, 12);
    expect(s.calibrationError).toBeCloseTo(0, 12);
  });
});
