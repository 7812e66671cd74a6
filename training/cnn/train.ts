/**
 * Trains the pattern CNN and ships it: `npm run train:cnn`.
 *
 * 1. Loads TRAIN_CONFIG.files from ../shared/data/candles, labels every candle with the rule detectors
 *    (src/core/patterns/rules) and cuts each file in time order: 70% train, 10% validation, the latest
 *    20% held out (test); windows never straddle two splits.
 * 2. Trains the im2col form of the network (model.ts) on the tfjs wasm backend with Adam and a sigmoid
 *    cross-entropy loss, class-balanced batches, seeded initialisation and sampling (deterministic).
 * 3. Undoes the sampling prior in the output biases, picks per-pattern thresholds on validation,
 *    exports the weights into a tf.LayersModel of conv1d layers (checked equal to the training graph),
 *    saves it to public/models/pattern-cnn/ and scores it on the held-out split.
 * 4. Writes its entry `models.pattern_cnn` of public/models/manifest.json.
 *
 * Environment overrides for experiments: CNN_STEPS, CNN_OUT (model folder), CNN_NO_MANIFEST=1.
 */
import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNodeWasmFiles } from '../../src/core/models/pattern-cnn-node';
import { PATTERN_NAMES, type PatternName } from '../../src/core/patterns/names';
import { detectPatterns } from '../../src/core/patterns/rules';
import { WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_NORMALIZATION, WINDOW_SIZE } from '../../src/core/patterns/window';
import { mulberry32 } from '../../src/core/util/random';
import { TRAIN_CONFIG } from './config';
import { splitRange } from './data';
import { forEachChunk, loadSource, positives, setLabels, windowSet, writeRows, type Source, type WindowSet } from './dataset';
import { saveLayersModel } from './export';
import { writeManifestEntry } from './manifest';
import { bestThreshold, evaluate } from './metrics';
import { forwardLogits, forwardProbabilities, initWeights, toLayersModel, weightVariables, type CnnWeights } from './model';

const K = PATTERN_NAMES.length;
const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const DATA_DIR = process.env['CANDLECAST_DATA'] ?? resolve(repoRoot, '..', 'shared', 'data', 'candles');
const OUT_DIR = process.env['CNN_OUT'] ?? resolve(repoRoot, 'public', 'models', 'pattern-cnn');
const STEPS = Number(process.env['CNN_STEPS'] ?? TRAIN_CONFIG.steps);

const log = (line: string) => console.log(`[train:cnn ${new Date().toISOString().slice(11, 19)}] ${line}`);
const logit = (p: number) => Math.log(p / (1 - p));
const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

function learningRate(step: number): number {
  const { peak, final, warmupSteps } = TRAIN_CONFIG.learningRate;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const t = (step - warmupSteps) / Math.max(1, STEPS - warmupSteps);
  return final + 0.5 * (peak - final) * (1 + Math.cos(Math.PI * t));
}

/** Seeded batch sampler: part uniform, part class-balanced; counts the labels it hands out. */
function makeSampler(train: WindowSet, trainLabels: Uint8Array, seed: number) {
  const rand = mulberry32(seed);
  const byClass: Int32Array[] = PATTERN_NAMES.map((_, j) => {
    const idx: number[] = [];
    for (let i = 0; i < train.n; i++) if (trainLabels[i * K + j]) idx.push(i);
    return Int32Array.from(idx);
  });
  const classes = byClass.map((ix, j) => (ix.length > 0 ? j : -1)).filter((j) => j >= 0);
  const drawn = new Float64Array(K);
  let total = 0;
  const B = TRAIN_CONFIG.batchSize;
  const rows = new Int32Array(B);
  const x = new Float32Array(B * WINDOW_SIZE);
  const y = new Float32Array(B * K);
  return {
    drawn,
    total: () => total,
    next(): { x: Float32Array; y: Float32Array } {
      for (let b = 0; b < B; b++) {
        if (rand() < TRAIN_CONFIG.balancedFraction && classes.length > 0) {
          const ix = byClass[classes[Math.floor(rand() * classes.length)]!]!;
          rows[b] = ix[Math.floor(rand() * ix.length)]!;
        } else {
          rows[b] = Math.floor(rand() * train.n);
        }
      }
      writeRows(train, rows, x, y);
      for (let i = 0; i < y.length; i++) drawn[i % K]! += y[i]!;
      total += B;
      return { x, y };
    },
  };
}

/** Mean sigmoid cross-entropy from logits z: y * softplus(-z) + (1 - y) * softplus(z). */
function bceLoss(w: CnnWeights, x: tf.Tensor3D, y: tf.Tensor2D): tf.Scalar {
  const z = forwardLogits(w, x);
  return tf.mean(tf.add(tf.mul(y, tf.softplus(tf.neg(z))), tf.mul(tf.sub(1, y), tf.softplus(z))));
}

/** Probabilities `[n, 15]` of every window of a set, in chunks. */
function predictSet(w: CnnWeights, set: WindowSet, chunk = 2048): Float32Array {
  const out = new Float32Array(set.n * K);
  forEachChunk(set, chunk, (x, b, first) => {
    const p = tf.tidy(() => forwardProbabilities(w, tf.tensor3d(x, [b, WINDOW_LENGTH, WINDOW_FEATURES])));
    out.set(p.dataSync(), first * K);
    p.dispose();
  });
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  useNodeWasmFiles();
  await tf.setBackend('wasm');
  await tf.ready();
  log(`backend ${tf.getBackend()}, ${STEPS} steps of ${TRAIN_CONFIG.batchSize}, seed ${TRAIN_CONFIG.seed}`);

  const originals: Source[] = [];
  const sources: Source[] = [];
  for (const file of TRAIN_CONFIG.files) {
    const original = loadSource(DATA_DIR, file, detectPatterns);
    originals.push(original);
    sources.push(original);
    if (TRAIN_CONFIG.mirrorAugment) sources.push(loadSource(DATA_DIR, file, detectPatterns, true, original.cols));
  }
  const train = windowSet(sources, 'train');
  const trainLabels = setLabels(train);
  const validation = windowSet(originals, 'validation');
  const validationLabels = setLabels(validation);
  const test = windowSet(originals, 'test');
  const testLabels = setLabels(test);
  const trainPos = positives(trainLabels);
  log(`windows: train ${train.n} (with mirrors), validation ${validation.n}, test ${test.n} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  log(`train positives: ${PATTERN_NAMES.map((p, j) => `${p}=${trainPos[j]}`).join(' ')}`);

  const trueRate = trainPos.map((c) => clampP(c / train.n));
  const w = initWeights(TRAIN_CONFIG.seed, trueRate.map(logit));
  const optimizer = tf.train.adam(TRAIN_CONFIG.learningRate.peak);
  const mutableOpt = optimizer as unknown as { learningRate: number };
  const sampler = makeSampler(train, trainLabels, TRAIN_CONFIG.seed ^ 0x9e3779b9);
  const vars = weightVariables(w);
  const trainStart = Date.now();
  let lossSum = 0;
  for (let step = 0; step < STEPS; step++) {
    mutableOpt.learningRate = learningRate(step);
    const batch = sampler.next();
    const B = TRAIN_CONFIG.batchSize;
    const x = tf.tensor3d(batch.x, [B, WINDOW_LENGTH, WINDOW_FEATURES]);
    const y = tf.tensor2d(batch.y, [B, K]);
    const loss = optimizer.minimize(() => bceLoss(w, x, y), true, vars);
    tf.dispose([x, y]);
    if (!loss) throw new Error('optimizer returned no loss');
    lossSum += loss.dataSync()[0]!;
    loss.dispose();
    if ((step + 1) % 250 === 0) {
      const rate = ((step + 1) * B) / ((Date.now() - trainStart) / 1000);
      log(`step ${step + 1}/${STEPS} loss ${(lossSum / 250).toFixed(5)} lr ${learningRate(step).toExponential(2)} ${rate.toFixed(0)} samples/s`);
      lossSum = 0;
    }
  }
  const trainSeconds = (Date.now() - trainStart) / 1000;

  // Undo the balanced-sampling prior: shift each output bias by logit(true rate) - logit(sampled rate).
  const sampledRate = Array.from(sampler.drawn, (d) => clampP(d / sampler.total()));
  const shift = PATTERN_NAMES.map((_, j) => (trainPos[j]! > 0 ? logit(trueRate[j]!) - logit(sampledRate[j]!) : 0));
  w.dense.bias.assign(tf.add(w.dense.bias, tf.tensor1d(shift)));

  const valProbs = predictSet(w, validation);
  const thresholds = Object.fromEntries(PATTERN_NAMES.map((p, j) => [p, bestThreshold(valProbs, validationLabels, j)])) as Record<PatternName, number>;
  const valEval = evaluate(valProbs, validationLabels, thresholds);
  log(`validation macro-F1 ${valEval.macro_f1.toFixed(4)}`);

  // Export to conv1d layers and check it computes what was trained.
  const layers = toLayersModel(w);
  const probeX = new Float32Array(256 * WINDOW_SIZE);
  writeRows(test, Array.from({ length: 256 }, (_, k) => Math.floor((k * test.n) / 256)), probeX);
  const probe = tf.tensor3d(probeX, [256, WINDOW_LENGTH, WINDOW_FEATURES]);
  const a = forwardProbabilities(w, probe);
  const bOut = layers.predict(probe) as tf.Tensor;
  const exportDiff = tf.max(tf.abs(tf.sub(a, bOut))).dataSync()[0]!;
  log(`export check: max |im2col - conv1d| = ${exportDiff.toExponential(2)}`);
  if (!(exportDiff <= 1e-5)) throw new Error(`exported model differs from the trained graph by ${exportDiff}`);

  const created = new Date().toISOString();
  await saveLayersModel(layers, OUT_DIR, {
    version: TRAIN_CONFIG.version,
    created,
    window_normalization: WINDOW_NORMALIZATION,
    window_length: WINDOW_LENGTH,
    window_features: WINDOW_FEATURES,
    patterns: PATTERN_NAMES,
    thresholds,
  });
  log(`saved ${OUT_DIR}`);

  const testProbs = predictSet(w, test);
  const testEval = evaluate(testProbs, testLabels, thresholds);
  for (const p of PATTERN_NAMES) {
    const s = testEval.patterns[p];
    log(`test ${p.padEnd(21)} support ${String(s.support).padStart(5)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)} thr ${thresholds[p].toFixed(3)}`);
  }
  log(`test macro-F1 ${testEval.macro_f1.toFixed(4)} over ${testEval.macro_patterns.length} patterns with >= 20 occurrences`);
  const totalSeconds = (Date.now() - started) / 1000;
  log(`training ${trainSeconds.toFixed(0)} s, total ${totalSeconds.toFixed(0)} s`);

  if (process.env['CNN_NO_MANIFEST'] !== '1') {
    writeManifestEntry(resolve(OUT_DIR, '..', 'manifest.json'), {
      version: TRAIN_CONFIG.version,
      created,
      path: 'pattern-cnn/model.json',
      format: 'tfjs-layers-model',
      architecture: 'conv1d(3,32,relu,same) -> conv1d(3,64,relu,same) -> conv1d(3,128,relu,same) -> flatten -> dense(15,sigmoid)',
      input: { shape: [WINDOW_LENGTH, WINDOW_FEATURES], features: ['open', 'high', 'low', 'close', 'volume'], normalization: WINDOW_NORMALIZATION },
      outputs: PATTERN_NAMES,
      labels: 'rule detectors (src/core/patterns/rules) at the last candle of each window',
      training: {
        seed: TRAIN_CONFIG.seed,
        steps: STEPS,
        batch_size: TRAIN_CONFIG.batchSize,
        learning_rate: TRAIN_CONFIG.learningRate,
        balanced_fraction: TRAIN_CONFIG.balancedFraction,
        backend: 'wasm (im2col + matMul graph)',
        seconds: Math.round(totalSeconds),
        split: 'per file, time-ordered: first 70% train, next 10% validation (thresholds), latest 20% held out',
        windows: { train: train.n, validation: validation.n, test: test.n },
        mirror_augmentation: TRAIN_CONFIG.mirrorAugment,
        data: originals.map((f) => ({
          file: f.file,
          candles: f.cols.close.length,
          ...Object.fromEntries(
            (['train', 'validation', 'test'] as const).map((split) => {
              const r = splitRange(f.cols, split);
              return [split, { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() }];
            }),
          ),
        })),
      },
      thresholds,
      metrics: {
        split: 'test (held out, latest 20% of each file)',
        min_support_for_macro: 20,
        macro_f1: testEval.macro_f1,
        macro_patterns: testEval.macro_patterns,
        patterns: testEval.patterns,
        validation_macro_f1: valEval.macro_f1,
      },
      export_max_abs_diff: exportDiff,
      backends_checked: ['wasm (Node, training + export check)'],
    });
    log('manifest entry models.pattern_cnn written');
  }
}

await main();
