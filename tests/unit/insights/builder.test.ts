import { describe, expect, it } from 'vitest';
import { buildInsight, buildPatterns, overallConfidence } from '../../../src/core/insights/builder';
import { buildSignals, directionProbability } from '../../../src/core/insights/signals';
import { PATTERN_NAMES, type PatternName } from '../../../src/core/patterns/names';
import type { Candle } from '../../../src/core/candles/candle';
import type { HorizonPrediction, ModelStatus } from '../../../src/core/insights/types';

const noRules = Object.fromEntries(PATTERN_NAMES.map((p) => [p, false])) as Record<PatternName, boolean>;
const status: ModelStatus = {
  pattern_cnn_loaded: true,
  price_predictor_loaded: true,
  models_loaded: true,
  cnn_backend: 'cpu',
  ensemble_backend: 'wasm',
  model_version: 'test',
};
const pred = (ret: number, confidence: number): HorizonPrediction => ({
  prediction: 100 * Math.exp(ret),
  return: ret,
  lower: 99,
  upper: 101,
  confidence,
  std: 0.1,
  models: { xgboost: 100, hist_gbdt: 100, random_forest: 100 },
});

describe('buildPatterns', () => {
  it('lists CNN probabilities over threshold plus rule detections, and the strongest', () => {
    const probabilities = PATTERN_NAMES.map((p) => (p === 'hammer' ? 0.85 : p === 'doji' ? 0.62 : 0.1));
    const thresholds = PATTERN_NAMES.map(() => 0.5);
    const rules = { ...noRules, hammer: true, marubozu: true };
    const part = buildPatterns(rules, { probabilities, thresholds });
    expect(part.detected).toEqual({ hammer: 0.85, doji: 0.62, marubozu: 0.1 });
    expect(part.count).toBe(3);
    expect(part.strongest).toEqual(['hammer', 0.85]);
    expect(part.rules.marubozu).toBe(true);
    expect(part.probabilities?.doji).toBe(0.62);
  });

  it('falls back to rule detections when the CNN is not loaded', () => {
    const part = buildPatterns({ ...noRules, doji: true }, null);
    expect(part.detected).toEqual({ doji: 1 });
    expect(part.probabilities).toBeNull();
  });
});

describe('signals', () => {
  it('rates a direction with the calibrated 5-candle confidence, or 0.5 without a model', () => {
    const predictions = { '5': pred(0.002, 0.61) };
    expect(directionProbability('up', predictions)).toBe(0.61);
    expect(directionProbability('down', predictions)).toBeCloseTo(0.39, 12);
    expect(directionProbability('up', null)).toBe(0.5);
  });

  it('gives a hammer after a decline a BUY, but not after a rise', () => {
    const base = {
      patterns: [['hammer', 0.85]] as Array<[PatternName, number]>,
      candleUp: true,
      previousCandleDown: true,
      rsi14: 50,
      predictions: null,
    };
    const after = buildSignals({ ...base, priorTrend: { logReturn: -0.03, candles: 10 } });
    expect(after).toHaveLength(1);
    expect(after[0]!.type).toBe('BUY');
    expect(after[0]!.source).toBe('pattern:hammer');
    expect(after[0]!.reason).toContain('Hammer (pattern probability 0.85) after a decline of 2.96% over 10 candles');
    expect(after[0]!.reason).toContain('price model not loaded');
    expect(after[0]!.confidence).toBe(0.5);
    expect(buildSignals({ ...base, priorTrend: { logReturn: 0.03, candles: 10 } })).toHaveLength(0);
  });

  it('emits a prediction signal only at or above 55% confidence, otherwise HOLD', () => {
    const ctx = { patterns: [], candleUp: true, previousCandleDown: false, priorTrend: null, rsi14: null };
    const strong = buildSignals({ ...ctx, predictions: { '1': pred(0.001, 0.52), '15': pred(-0.004, 0.58) } });
    expect(strong).toEqual([expect.objectContaining({ type: 'SELL', source: 'prediction:15', confidence: 0.58 })]);
    const weak = buildSignals({ ...ctx, predictions: { '1': pred(0.001, 0.52) } });
    expect(weak[0]).toEqual(expect.objectContaining({ type: 'HOLD', confidence: 0.52 }));
  });

  it('adds RSI confluence for a reversal pattern at an extreme', () => {
    const s = buildSignals({
      patterns: [['shooting_star', 0.9]],
      candleUp: false,
      previousCandleDown: false,
      priorTrend: { logReturn: 0.02, candles: 10 },
      rsi14: 78.4,
      predictions: { '5': pred(-0.001, 0.57) },
    });
    expect(s.map((x) => x.source)).toEqual([
      'pattern:shooting_star',
      'prediction:5',
      'confluence:rsi_14+shooting_star',
    ]);
    expect(s[2]!.reason).toBe('RSI 78.4 overbought with a shooting star');
    expect(s[2]!.confidence).toBe(0.57);
  });
});

describe('buildInsight', () => {
  const recent: Candle[] = Array.from({ length: 15 }, (_, i) => {
    const close = 100 - i;
    return { time: i * 60_000, open: close + 0.5, high: close + 1, low: close - 3, close, volume: 10 };
  });

  it('assembles the SPEC §2 shape with finite numbers', () => {
    const predictions = { '1': pred(0.0003, 0.54), '5': pred(0.001, 0.6) };
    const insight = buildInsight({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1m',
      recent,
      rules: { ...noRules, hammer: true },
      cnn: null,
      predictions,
      rsi14: 25,
      modelStatus: status,
      computedMs: 1.23456,
    });
    expect(insight.time).toBe(14 * 60_000);
    expect(insight.current_price).toBe(86);
    expect(insight.patterns.detected).toEqual({ hammer: 1 });
    expect(insight.confidence).toBeCloseTo(0.57, 12);
    expect(insight.computed_ms).toBe(1.235);
    expect(insight.signals.map((s) => s.source)).toEqual([
      'pattern:hammer',
      'prediction:5',
      'confluence:rsi_14+hammer',
    ]);
    expect(JSON.stringify(insight)).not.toMatch(/NaN|Infinity/);
  });

  it('reports null overall confidence when the predictor is not loaded', () => {
    expect(overallConfidence(null)).toBeNull();
  });
});

describe('signals use only horizons with out-of-sample skill', () => {
  const ctx = { patterns: [], candleUp: true, previousCandleDown: false, priorTrend: null, rsi14: null };

  it('ignores a confident horizon without held-out skill', () => {
    const predictions = { '5': pred(0.001, 0.53), '60': pred(0.01, 0.57) };
    expect(buildSignals({ ...ctx, predictions, skillful: null })[0]).toMatchObject({
      type: 'BUY',
      source: 'prediction:60',
    });
    expect(buildSignals({ ...ctx, predictions, skillful: ['1', '5'] })[0]).toMatchObject({
      type: 'HOLD',
      confidence: 0.53,
    });
    expect(buildSignals({ ...ctx, predictions, skillful: [] })[0]).toMatchObject({
      type: 'HOLD',
      confidence: 0.5,
      reason: 'No horizon of the price model has shown out-of-sample skill: no prediction signal',
    });
  });

  it('rates pattern signals at 0.5 when the rating horizon has no skill', () => {
    expect(directionProbability('up', { '5': pred(0.002, 0.61) }, ['1'])).toBe(0.5);
    expect(directionProbability('up', { '5': pred(0.002, 0.61) }, ['1', '5'])).toBe(0.61);
  });
});

describe('skillfulHorizons', () => {
  it('keeps horizons whose held-out IC exceeds two standard errors', async () => {
    const { skillfulHorizons } = await import('../../../src/core/insights/skill');
    const manifest = {
      models: {
        price_ensemble: {
          metrics: {
            held_out_period: {
              '1': { ic: 0.04, ic_se: 0.003 },
              '5': { ic: 0.031, ic_se: 0.006 },
              '15': { ic: 0.012, ic_se: 0.011 },
              '60': { ic: -0.013, ic_se: 0.023 },
            },
          },
        },
      },
    };
    expect(skillfulHorizons(manifest)).toEqual(['1', '5']);
    expect(skillfulHorizons({})).toBeNull();
    expect(skillfulHorizons(null)).toBeNull();
  });
});
