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
const pred = (ret: number, confidence: number, skill = true): HorizonPrediction => ({
  prediction: 100 * Math.exp(skill ? ret : 0),
  return: skill ? ret : 0,
  lower: 99,
  upper: 101,
  confidence: skill ? confidence : 0.5,
  std: 0.1,
  models: { xgboost: 100, hist_gbdt: 100, random_forest: 100 },
  skill,
  abstain_reason: skill ? null : 'no_edge',
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

  it('emits a prediction signal only from a confident move above cost, otherwise HOLD', () => {
    const ctx = { patterns: [], candleUp: true, previousCandleDown: false, priorTrend: null, rsi14: null };
    const strong = buildSignals({ ...ctx, predictions: { '1': pred(0.001, 0.52), '15': pred(-0.004, 0.58) } });
    expect(strong).toEqual([expect.objectContaining({ type: 'SELL', source: 'prediction:15', confidence: 0.58 })]);
    const weak = buildSignals({ ...ctx, predictions: { '1': pred(0.0005, 0.52) } });
    expect(weak[0]).toEqual(expect.objectContaining({ type: 'HOLD', confidence: 0.52 }));
  });

  it('adds RSI confluence for a reversal pattern at an extreme', () => {
    const s = buildSignals({
      patterns: [['shooting_star', 0.9]],
      candleUp: false,
      previousCandleDown: false,
      priorTrend: { logReturn: 0.02, candles: 10 },
      rsi14: 78.4,
      predictions: { '5': pred(-0.002, 0.57) },
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

describe('prediction signals: claimed horizons only, one verdict, above cost', () => {
  const ctx = { patterns: [], candleUp: true, previousCandleDown: false, priorTrend: null, rsi14: null };

  it('ignores an abstained horizon however large its move', () => {
    const predictions = { '5': pred(0.002, 0.53), '60': pred(0.01, 0.57, false) };
    expect(buildSignals({ ...ctx, predictions })[0]).toMatchObject({ type: 'BUY', source: 'prediction:5' });
  });

  it('holds and says why when every horizon abstains', () => {
    const predictions = { '5': pred(0.002, 0.53, false), '60': pred(0.01, 0.57, false) };
    const [s] = buildSignals({ ...ctx, predictions });
    expect(s).toMatchObject({ type: 'HOLD', confidence: 0.5 });
    expect(s!.reason).toContain('no edge at this horizon');
  });

  it('needs a move above the round-trip cost (default 0.1%, settable)', () => {
    const predictions = { '5': pred(0.0008, 0.56) };
    const held = buildSignals({ ...ctx, predictions })[0]!;
    expect(held.type).toBe('HOLD');
    expect(held.reason).toContain('does not exceed the 0.10% round-trip cost');
    expect(buildSignals({ ...ctx, predictions, cost: 0.0005 })[0]).toMatchObject({ type: 'BUY' });
  });

  it('needs a confidence above 50%', () => {
    const [s] = buildSignals({ ...ctx, predictions: { '15': pred(0.01, 0.5) } });
    expect(s!.type).toBe('HOLD');
    expect(s!.reason).toContain('not above 50%');
  });

  it('gives one verdict when horizons disagree, naming what it outweighs', () => {
    const predictions = { '1': pred(0.003, 0.52), '15': pred(-0.004, 0.56) };
    const signals = buildSignals({ ...ctx, predictions });
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ type: 'SELL', source: 'prediction:15' });
    expect(signals[0]!.reason).toContain('outweighs 1-candle BUY (52.0%)');
  });

  it('turns a pattern signal against a more confident prediction into a HOLD with the reason', () => {
    const signals = buildSignals({
      ...ctx,
      patterns: [['hammer', 0.9]],
      priorTrend: { logReturn: -0.02, candles: 10 },
      predictions: { '5': pred(-0.004, 0.58) },
    });
    expect(signals.filter((s) => s.type === 'BUY')).toHaveLength(0);
    expect(signals.find((s) => s.source === 'pattern:hammer')!.type).toBe('HOLD');
    expect(signals.find((s) => s.source === 'pattern:hammer')!.reason).toContain('below 50%');
  });

  it('rates pattern signals at 0.5 when the rating horizon abstains', () => {
    expect(directionProbability('up', { '5': pred(0.002, 0.61, false) })).toBe(0.5);
    expect(directionProbability('up', { '5': pred(0.002, 0.61) })).toBe(0.61);
  });
});
