import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, loadPatternCnnFromDir } from '../../../src/core/models/pattern-cnn-node';
import type { PatternCnn } from '../../../src/core/models/pattern-cnn';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { detectPatterns } from '../../../src/core/patterns/rules';
import { TRAIN_CONFIG } from '../../../training/cnn/config';
import { forEachChunk, loadSource, setLabels, windowSet, type WindowSet } from '../../../training/cnn/dataset';
import { allWindows, buildEvalSet, EVAL_SETS, type EvalSetName } from '../../../training/cnn/evalsets';
import { readManifestEntry } from '../../../training/cnn/manifest';
import { evaluate, MIN_SUPPORT, type Evaluation } from '../../../training/cnn/metrics';
import { CANDLES_DIR, hasCandleData } from '../../helpers/data';

const K = PATTERN_NAMES.length;

/**
 * The SHIPPED model (public/models/pattern-cnn) against the rule detectors on every evaluation set of
 * training/cnn/evalsets.ts, recomputed here from the weights: the held-out split (latest 20% of every training
 * file), held-out periods resampled to timeframes never trained on, stress sets that mimic other markets (opens
 * gapping from the previous close, coarse price grids, both) and the foreign files (a venue and an FX market held
 * out of training entirely).
 *
 * The acceptance bars of issue 17: macro-F1 >= 0.90 over the patterns with >= 20 occurrences, and F1 >= 0.80
 * for every pattern with >= 100 rule occurrences, on each set.
 */
const MACRO_F1_BAR = 0.9;
const PATTERN_F1_BAR = 0.8;
const PATTERN_BAR_SUPPORT = 100;

const manifestPath = join(DEFAULT_MODEL_DIR, '..', 'manifest.json');

/** The bars this set misses: "macro" and the patterns (>= 100 occurrences) below F1 0.80. */
function shortfalls(result: Evaluation): string[] {
  const out = result.macro_f1 >= MACRO_F1_BAR ? [] : ['macro'];
  for (const p of PATTERN_NAMES) {
    const s = result.patterns[p];
    if (s.support >= PATTERN_BAR_SUPPORT && s.f1 < PATTERN_F1_BAR) out.push(p);
  }
  return out;
}

/*
 * pattern-cnn-1.7.0 meets every bar on every set (1.6.0 missed three_white_soldiers with gap opens, 0.772). Closest,
 * as `npm run train:cnn` measured them: held-out macro 0.939, three_black_crows 0.822 (81 of 109 found, 7 false
 * alarms); gap opens macro 0.915, three_white_soldiers 0.818 (176 occurrences); gaps + coarse dark_cloud_cover 0.832;
 * foreign macro 0.929, three_white_soldiers 0.857 (250 occurrences).
 */

async function score(cnn: PatternCnn, set: WindowSet): Promise<Evaluation> {
  const probs = new Float32Array(set.n * K);
  const chunks: { x: Float32Array; b: number; first: number }[] = [];
  forEachChunk(set, 4096, (x, b, first) => chunks.push({ x: x.slice(), b, first }));
  for (const c of chunks) probs.set(await cnn.predict(c.x, c.b), c.first * K);
  return evaluate(probs, setLabels(set), cnn.thresholds);
}

describe.skipIf(!hasCandleData)('shipped pattern CNN vs rules on every evaluation set', () => {
  let cnn: PatternCnn;
  beforeAll(async () => {
    expect(existsSync(join(DEFAULT_MODEL_DIR, 'model.json'))).toBe(true);
    cnn = await loadPatternCnnFromDir(DEFAULT_MODEL_DIR, { backends: ['wasm', 'cpu'] });
  });
  afterAll(() => cnn?.dispose());

  it('decides with the per-pattern thresholds of the manifest (chosen on validation)', () => {
    const entry = readManifestEntry(manifestPath);
    expect(entry?.['version']).toBe(cnn.version);
    const thresholds = entry?.['thresholds'] as Record<string, number>;
    for (const p of PATTERN_NAMES) {
      expect(cnn.thresholds[p]).toBe(thresholds[p]);
      expect(cnn.thresholds[p]).toBeGreaterThan(0);
      expect(cnn.thresholds[p]).toBeLessThan(1);
    }
    expect(new Set(PATTERN_NAMES.map((p) => cnn.thresholds[p])).size).toBeGreaterThan(10); // chosen, not a default
  });

  for (const name of EVAL_SETS) {
    it(`${name}: scores as the manifest says, against the bars (macro-F1 >= 0.90; F1 >= 0.80 where >= 100 occurrences)`, async () => {
      const set: WindowSet =
        name === 'heldout'
          ? windowSet(
              TRAIN_CONFIG.files.map((f) => loadSource(CANDLES_DIR, f, detectPatterns)),
              'test',
            )
          : allWindows(buildEvalSet(name as EvalSetName, CANDLES_DIR));
      const result = await score(cnn, set);
      for (const p of PATTERN_NAMES) {
        const s = result.patterns[p];
        console.log(
          `${name} ${p.padEnd(21)} support ${String(s.support).padStart(6)}  P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}${s.support < MIN_SUPPORT ? '  (not in macro: < 20)' : ''}`,
        );
      }
      console.log(
        `${name} macro-F1 ${result.macro_f1.toFixed(4)} over ${result.macro_patterns.length} patterns, ${result.windows} windows`,
      );
      // The manifest reports what this test measures (same weights, same windows).
      const sets = (readManifestEntry(manifestPath)?.['metrics'] as { sets?: Record<string, Evaluation> }).sets;
      expect(sets?.[name]?.windows).toBe(result.windows);
      expect(sets?.[name]?.macro_f1).toBeCloseTo(result.macro_f1, 3);
      expect(result.macro_patterns.length).toBeGreaterThanOrEqual(10);
      // The issue-17 bars: macro-F1 and every pattern with enough occurrences.
      expect(shortfalls(result)).toEqual([]);
    }, 900_000);
  }
});
