import { describe, expect, it } from 'vitest';
import { modelCards } from '../../../src/ui/manifest-view';

describe('modelCards', () => {
  it('reads the pattern CNN per-pattern F1 of every evaluation set, tolerating bad entries', () => {
    const [cnn] = modelCards({
      models: {
        pattern_cnn: {
          metrics: {
            sets: {
              heldout: { windows: 100, macro_f1: 0.93, patterns: { doji: { f1: 0.98, support: 40 }, hammer: 'x' } },
              foreign: { windows: 50, macro_f1: 'n/a', patterns: { doji: { f1: 0.9 } } },
              broken: 3,
            },
          },
        },
      },
    });
    expect(cnn?.patternSets).toEqual([
      { set: 'heldout', windows: 100, macroF1: 0.93, patterns: [{ pattern: 'doji', f1: 0.98, support: 40 }] },
      { set: 'foreign', windows: 50, macroF1: null, patterns: [{ pattern: 'doji', f1: 0.9, support: null }] },
    ]);
  });

  it('reads the CNN and the price ensemble entries', () => {
    const cards = modelCards({
      schema: 1,
      models: {
        pattern_cnn: {
          version: 'cnn-1',
          created: '2026-11-24T05:00:00Z',
          backends_checked: ['wasm (Node)', 3],
          metrics: { split: 'test (held out)', macro_f1: 0.71, validation_macro_f1: 0.7, macro_patterns: 12 },
        },
        price_ensemble: {
          version: 'pe-2',
          metrics: {
            held_out_period: {
              '15': {
                rows: 10,
                ic: 0.02,
                hit_rate: 0.51,
                coverage_80: 0.8,
                mae_ratio_vs_random_walk: 1.01,
                calibration_error: 0.02,
              },
              '1': {
                rows: 12,
                ic: 0.05,
                hit_rate: 0.53,
                coverage_80: 0.79,
                mae_ratio_vs_random_walk: 0.99,
                calibration_error: 'x',
              },
            },
            unseen_symbols: {
              '1': {
                rows: 5,
                ic: -0.01,
                hit_rate: 0.49,
                coverage_80: 0.81,
                mae_ratio_vs_random_walk: 1.0,
                calibration_error: 0.03,
              },
            },
          },
        },
      },
    });
    expect(cards.map((c) => [c.key, c.title, c.version])).toEqual([
      ['pattern_cnn', 'Pattern CNN', 'cnn-1'],
      ['price_ensemble', 'Price ensemble', 'pe-2'],
    ]);
    expect(cards[0]?.backendsChecked).toEqual(['wasm (Node)']);
    expect(cards[0]?.split).toBe('test (held out)');
    expect(cards[0]?.summary).toEqual([
      { label: 'Macro F1 (hold-out)', value: 0.71, kind: 'score' },
      { label: 'Macro F1 (validation)', value: 0.7, kind: 'score' },
      { label: 'Patterns in macro average', value: 12, kind: 'count' },
    ]);
    expect(cards[1]?.horizons).toEqual([
      { horizon: '1', rows: 12, ic: 0.05, hitRate: 0.53, coverage: 0.79, maeRatio: 0.99, calibrationError: null },
      { horizon: '15', rows: 10, ic: 0.02, hitRate: 0.51, coverage: 0.8, maeRatio: 1.01, calibrationError: 0.02 },
    ]);
    expect(cards[1]?.unseen).toEqual([
      { horizon: '1', rows: 5, ic: -0.01, hitRate: 0.49, coverage: 0.81, maeRatio: 1.0, calibrationError: 0.03 },
    ]);
    expect(cards[0]?.unseen).toEqual([]);
  });
  it('is empty for a missing or malformed manifest', () => {
    expect(modelCards(null)).toEqual([]);
    expect(modelCards({ models: [] })).toEqual([]);
    expect(modelCards({ models: { a: 1 } })).toEqual([]);
  });

  it('reads the walk-forward table with what each forecast is made of and its claim, in timeframe order', () => {
    const [card] = modelCards({
      models: {
        price_ensemble: {
          claims: { '1m': { '1': true, '5': false }, '1h': { '1': true } },
          metrics: {
            walk_forward: {
              '1h': { '1': { model: { folds: 5, ic: 0.07, trees_weighted: true }, reversal: { ic: -0.01 } } },
              '1m': {
                '5': { model: { folds: 6, ic: null, trees_weighted: false }, reversal: { ic: 0.02 } },
                '1': { model: { folds: 6, ic: 0.021, trees_weighted: false }, reversal: { ic: 0.021 } },
              },
            },
          },
        },
      },
    });
    expect(
      card!.walkForward.map((r) => [r.timeframe, r.horizon, r.ic, r.reversalIc, r.treesWeighted, r.claimed]),
    ).toEqual([
      ['1m', '1', 0.021, 0.021, false, true],
      ['1m', '5', null, 0.02, false, false],
      ['1h', '1', 0.07, -0.01, true, true],
    ]);
  });
});
