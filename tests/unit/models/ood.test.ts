/**
 * The OOD scorer (FreqAI's dissimilarity index, price-ood.ts) sums four sample points at a time for speed; its
 * scores must stay bit-identical to the definition computed one point at a time, on the shipped reference sample
 * and on samples whose point count is not a multiple of four, with missing inputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OodScorer } from '../../../src/core/models/price-ood';
import type { OodParams } from '../../../src/core/models/price-ensemble-params';
import { DEFAULT_PRICE_MODEL_DIR } from '../../../src/core/models/price-ensemble-node';
import { PRICE_INPUT_NAMES } from '../../../src/core/models/price-inputs';
import { mulberry32 } from '../../../src/core/util/random';

/** The dissimilarity index as written in FreqAI's compute_DI_values, one sample point after another. */
function referenceScore(params: OodParams, names: readonly string[], inputs: ArrayLike<number>, offset: number) {
  const d = params.features.length;
  const z = params.features.map((f, j) => {
    const v = (inputs[offset + names.indexOf(f)]! - params.center[j]!) / params.scale[j]!;
    return Number.isFinite(v) ? v : 0;
  });
  const points = params.sample.length / d;
  let total = 0;
  for (let p = 0; p < points; p++) {
    let ss = 0;
    for (let j = 0; j < d; j++) {
      const diff = z[j]! - params.sample[p * d + j]!;
      ss += diff * diff;
    }
    total += Math.sqrt(ss);
  }
  return total / points / params.mean_pairwise;
}

function randomRows(rows: number, width: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(rows * width);
  for (let i = 0; i < x.length; i++) {
    const u = rand();
    x[i] = u < 0.02 ? NaN : u < 0.03 ? Infinity : (rand() - 0.5) * 8;
  }
  return x;
}

function expectSameScores(params: OodParams, names: readonly string[], rows: number, seed: number): void {
  const scorer = new OodScorer(params, names);
  const x = randomRows(rows, names.length, seed);
  for (let r = 0; r < rows; r++) {
    const got = scorer.score(x, r * names.length);
    const want = referenceScore(params, names, x, r * names.length);
    if (!Object.is(got, want)) expect(got, `row ${r}`).toBe(want);
    // null: no volatility level, the score alone decides
    expect(scorer.evaluate(x, r * names.length, null).flag).toBe(!(want <= params.threshold));
  }
}

describe('OOD score (dissimilarity index)', () => {
  it('equals the one-point-at-a-time definition bit for bit on the shipped reference sample', () => {
    const json = JSON.parse(readFileSync(join(DEFAULT_PRICE_MODEL_DIR, 'price-ensemble.json'), 'utf8')) as {
      ood: OodParams;
    };
    expect(json.ood.sample.length / json.ood.features.length).toBeGreaterThan(100);
    expectSameScores(json.ood, PRICE_INPUT_NAMES, 500, 7);
  });

  it.each([1, 3, 4, 5, 7, 13])('equals it for a sample of %i points (remainder of the four-point blocks)', (points) => {
    const names = ['a', 'b', 'c'];
    const rand = mulberry32(points);
    const d = 2;
    const params: OodParams = {
      features: ['c', 'a'],
      center: [0.1, -0.2],
      scale: [1.5, 0.7],
      sample: Array.from({ length: points * d }, () => (rand() - 0.5) * 3),
      mean_pairwise: 1.3,
      threshold: 1.1,
      quantile: 0.99,
      volatility: { min: -10, max: -3 },
    };
    expectSameScores(params, names, 200, 100 + points);
  });
});
