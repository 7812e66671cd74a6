import { describe, expect, it } from 'vitest';
import { toColumns } from '../../../src/core/candles/candle';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { detectPatterns } from '../../../src/core/patterns/rules';
import { perturbedSources } from '../../../training/cnn/augment';
import { packLabels } from '../../../training/cnn/data';
import { setLabels, windowSet, type Source } from '../../../training/cnn/dataset';
import { simulatedCandles, tieOpens } from '../../helpers/synthetic';

describe('perturbed copies of rare-pattern windows', () => {
  const cols = tieOpens(toColumns(simulatedCandles(3000, 4)));
  const source: Source = {
    file: 'sim',
    mirrored: false,
    cols,
    labels: packLabels(detectPatterns(cols), cols.close.length),
  };
  const train = windowSet([source], 'train');
  const labels = setLabels(train);
  const config = { rareBelow: 1e9, targetPerPattern: 10, maxCopies: 2, noise: 0.1 };
  const [copy] = perturbedSources(train, labels, detectPatterns, config, 9);

  it('makes copies of windows with patterns, labelled by the rules, keeping open = previous close', () => {
    expect(copy).toBeDefined();
    const c = copy!.cols;
    const n = c.close.length;
    expect(n % 20).toBe(0);
    expect(copy!.trainEnds).toHaveLength(n / 20);
    expect(Array.from(copy!.labels)).toEqual(Array.from(packLabels(detectPatterns(c), n)));
    for (let i = 0; i < n; i++) {
      expect(c.high[i]).toBeGreaterThanOrEqual(Math.max(c.open[i]!, c.close[i]!));
      expect(c.low[i]).toBeLessThanOrEqual(Math.min(c.open[i]!, c.close[i]!));
      if (i % 20 !== 0) expect(c.open[i]).toBe(c.close[i - 1]);
    }
    let moved = 0;
    for (let i = 0; i < n; i++) if (c.close[i] !== cols.close[i]) moved++;
    expect(moved).toBeGreaterThan(n / 2);
    const segmentLabels = setLabels(windowSet([copy!], 'train'));
    expect(segmentLabels.length).toBe((n / 20) * PATTERN_NAMES.length);
    expect(windowSet([copy!], 'test').n).toBe(0);
  });

  it('makes a gapShare of the copies by shifting whole candles: shapes kept, opens off the previous close', () => {
    const gapped = {
      ...config,
      maxCopies: 1,
      gapShare: 1,
      gap: { probability: [1, 1], scale: [0.3, 0.3] },
    } as const;
    const [g] = perturbedSources(train, labels, detectPatterns, gapped, 9);
    const c = g!.cols;
    const n = c.close.length;
    expect(Array.from(g!.labels)).toEqual(Array.from(packLabels(detectPatterns(c), n)));
    // One copy per window with a pattern, in window order: segment k is a shifted copy of the k-th such window.
    const ends: number[] = [];
    for (let r = 0; r < train.n; r++)
      if (labels.subarray(r * PATTERN_NAMES.length, (r + 1) * PATTERN_NAMES.length).some((v) => v === 1))
        ends.push(train.end[r]!);
    expect(n).toBe(ends.length * 20);
    let offClose = 0;
    ends.forEach((end, k) => {
      for (let t = 0; t < 20; t++) {
        const o = k * 20 + t;
        const src = end - 19 + t;
        const d = c.close[o]! - cols.close[src]!;
        for (const key of ['open', 'high', 'low'] as const) expect(c[key][o]! - cols[key][src]!).toBeCloseTo(d, 6);
        expect(c.volume[o]).toBe(cols.volume[src]);
        if (t > 0 && c.open[o] !== c.close[o - 1]) offClose++;
      }
    });
    expect(offClose).toBeGreaterThan(0.9 * ends.length * 19);
  });

  it('is deterministic for a seed', () => {
    const [again] = perturbedSources(train, labels, detectPatterns, config, 9);
    expect(Array.from(again!.cols.close)).toEqual(Array.from(copy!.cols.close));
  });
});
