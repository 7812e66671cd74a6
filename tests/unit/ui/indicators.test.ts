import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX } from '../../../src/core/features/registry';
import { INDICATORS, chosenIndicators, featureAt, featurePoints, featuresOf, paneOf } from '../../../src/ui/indicators';
import { IndicatorFeed } from '../../../src/ui/indicator-feed';
import type { FeatureSeries } from '../../../workers/engine-api';

describe('indicators', () => {
  it('draw only features the engine computes', () => {
    for (const ind of INDICATORS) for (const l of ind.lines) expect(FEATURE_INDEX.has(l.feature), l.feature).toBe(true);
  });

  it('offers the menu in order, each moving average naming its feature and line', () => {
    expect(INDICATORS.map((i) => i.id)).toEqual([
      'sma20',
      'sma50',
      'sma200',
      'ema20',
      'ema50',
      'bb',
      'rsi',
      'macd',
      'volume',
    ]);
    expect(chosenIndicators(['ema50'])).toEqual([
      {
        id: 'ema50',
        label: 'EMA 50',
        place: 'overlay',
        lines: [{ feature: 'ema_50', label: 'EMA 50', color: '#ec4899', style: 'line' }],
      },
    ]);
  });

  it('puts overlays on the price pane and each pane indicator below, in menu order', () => {
    const list = chosenIndicators(['macd', 'sma20', 'rsi', 'nope', 'bb']);
    expect(list.map((i) => i.id)).toEqual(['sma20', 'bb', 'rsi', 'macd']);
    expect([...paneOf(list)]).toEqual([
      ['sma20', 0],
      ['bb', 0],
      ['rsi', 1],
      ['macd', 2],
    ]);
    expect(featuresOf(list)).toContain('bb_middle_20_2');
    expect(new Set(featuresOf(list)).size).toBe(featuresOf(list).length);
  });

  it('plots the values as given, leaving out the warm-up', () => {
    const series: FeatureSeries = { time: [60_000, 120_000, 180_000], values: { sma_20: [NaN, 10.5, 11] } };
    expect(featurePoints(series, 'sma_20')).toEqual([
      { time: 120, value: 10.5 },
      { time: 180, value: 11 },
    ]);
    expect(featureAt(series, 'sma_20', 120_000)).toBe(10.5);
    expect(featureAt(series, 'sma_20', 60_000)).toBeNull();
    expect(featureAt(series, 'sma_20', 999)).toBeNull();
  });
});

describe('IndicatorFeed', () => {
  it('keeps one request in flight, folds the ones made meanwhile into one more, drops stale answers', async () => {
    const asked: string[][] = [];
    const pending: Array<(s: FeatureSeries) => void> = [];
    const got: FeatureSeries[] = [];
    const feed = new IndicatorFeed(
      (names) => {
        asked.push(names);
        return new Promise((resolve) => pending.push(resolve));
      },
      (s) => got.push(s),
      () => {},
    );
    feed.choose(['sma_20']);
    feed.refresh();
    feed.refresh();
    expect(asked).toHaveLength(1);
    feed.choose(['rsi_14']);
    pending[0]!({ time: [1], values: { sma_20: [1] } });
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([]); // answered for the old names
    expect(asked).toEqual([['sma_20'], ['rsi_14']]);
    pending[1]!({ time: [1], values: { rsi_14: [50] } });
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([{ time: [1], values: { rsi_14: [50] } }]);
    expect(asked).toHaveLength(2);
  });

  it('reports a failed request as one line and clears with no names', async () => {
    const errors: string[] = [];
    const got: FeatureSeries[] = [];
    const feed = new IndicatorFeed(
      () => Promise.reject(new Error('unknown feature: x\nstack')),
      (s) => got.push(s),
      (e) => errors.push(e),
    );
    feed.choose(['x']);
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('unknown feature: x');
    expect(errors[0]).not.toContain('\n');
    feed.choose([]);
    expect(got).toEqual([{ time: [], values: {} }]);
  });
});
