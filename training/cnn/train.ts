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
 * Environment overrides for experiments: CNN_STEPS, CNN_OUT (model folder), CNN_NO_MANIFEST=1, CNN_FILES (subset),
 * CNN_WORK (scratch folder), CNN_WARM_START (weights file, empty = from scratch), CNN_LR ("peak,final,warmup"),
 * CNN_CHECKPOINTS (steps at which train.py saves the weights so far), CNN_TRAIN_ONLY=1 (stop after training) and
 * CNN_RESUME=1 (finish such a run: export, thresholds, evaluation, manifest, without training again).
 */
import * as tf from './tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPatternCnnFromDir, useNodeWasmFiles } from '../../src/core/models/pattern-cnn-node';
import { checkBrowserBackends } from './browser-check';
import { PATTERN_NAMES, type PatternName } from '../../src/core/patterns/names';
import { detectPatterns } from '../../src/core/patterns/rules';
import type { Timeframe } from '../../src/core/candles/timeframe';
import { WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_NORMALIZATION, WINDOW_SIZE } from '../../src/core/patterns/window';
import { TRAIN_CONFIG } from './config';
import { perturbedSources } from './augment';
import { EVAL_SETS, allWindows, buildEvalSet, labelledSource, resampleColumns, timeframeOfFile } from './evalsets';
import { stressMix } from './stress';
import { splitRange } from './data';
import {
  forEachChunk,
  loadSource,
  positives,
  setLabels,
  windowSet,
  writeRows,
  type Source,
  type WindowSet,
} from './dataset';
import { saveLayersModel } from './export';
import { writeManifestEntry } from './manifest';
import { bestThreshold, evaluate, type Evaluation } from './metrics';
import { HIDDEN, forwardProbabilities, toLayersModel, weightsFromFlat, type CnnWeights } from './model';

const K = PATTERN_NAMES.length;
const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const DATA_DIR = process.env['CANDLECAST_DATA'] ?? resolve(repoRoot, '..', 'shared', 'data', 'candles');
const OUT_DIR = process.env['CNN_OUT'] ?? resolve(repoRoot, 'public', 'models', 'pattern-cnn');
const STEPS = Number(process.env['CNN_STEPS'] ?? TRAIN_CONFIG.steps);
const WORK_DIR = process.env['CNN_WORK'] ?? resolve(repoRoot, 'training', '.work', 'pattern-cnn');
/** Weights to fine-tune from (TRAIN_CONFIG.warmStart); CNN_WARM_START overrides it, empty = from scratch. */
const WARM_START: string | null = process.env['CNN_WARM_START'] ?? TRAIN_CONFIG.warmStart;
/** CNN_LR="peak,final,warmup" overrides TRAIN_CONFIG.learningRate (experiments). */
const LR = process.env['CNN_LR']?.split(',').map(Number);
const LEARNING_RATE = LR ? { peak: LR[0]!, final: LR[1]!, warmupSteps: LR[2]! } : TRAIN_CONFIG.learningRate;
/** CNN_TRAIN_ONLY=1: stop once train.py has trained; CNN_RESUME=1: finish such a run without training again. */
const TRAIN_ONLY = process.env['CNN_TRAIN_ONLY'] === '1';
const RESUME = process.env['CNN_RESUME'] === '1';
const PYTHON = process.env['CANDLECAST_PYTHON'] ?? '/usr/bin/python3';
/** Data files to train on: TRAIN_CONFIG.files, or a comma-separated subset for smoke runs (CNN_FILES). */
const FILES: readonly string[] = process.env['CNN_FILES']?.split(',') ?? TRAIN_CONFIG.files;

const log = (line: string) => console.log(`[train:cnn ${new Date().toISOString().slice(11, 19)}] ${line}`);
const logit = (p: number) => Math.log(p / (1 - p));
const clampP = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

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

/**
 * Writes what training/cnn/train.py reads to `dataDir`: every source's candles `[n, 5]` (float64) and labels
 * `[n, 15]` concatenated, plus the global candle index of each training window's last candle.
 */
function writeTrainerData(
  dataDir: string,
  sources: readonly Source[],
  train: WindowSet,
  trainLabels: Uint8Array,
): void {
  mkdirSync(dataDir, { recursive: true });
  const offsets: number[] = [];
  let total = 0;
  for (const s of sources) {
    offsets.push(total);
    total += s.cols.close.length;
  }
  const cols = new Float64Array(total * 5);
  const labels = new Uint8Array(total * K);
  sources.forEach((s, k) => {
    const base = offsets[k]!;
    for (let i = 0; i < s.cols.close.length; i++) {
      const o = (base + i) * 5;
      cols[o] = s.cols.open[i]!;
      cols[o + 1] = s.cols.high[i]!;
      cols[o + 2] = s.cols.low[i]!;
      cols[o + 3] = s.cols.close[i]!;
      cols[o + 4] = s.cols.volume[i]!;
    }
    labels.set(s.labels, base * K);
  });
  const ends = new BigInt64Array(train.n);
  for (let r = 0; r < train.n; r++) ends[r] = BigInt(offsets[train.src[r]!]! + train.end[r]!);
  // The labels of the training rows must be what train.py will read back.
  for (let r = 0; r < train.n; r += 997) {
    const g = Number(ends[r]!);
    for (let j = 0; j < K; j++)
      if (labels[g * K + j] !== trainLabels[r * K + j]) throw new Error('training labels out of step');
  }
  writeFileSync(join(dataDir, 'cols.f64'), new Uint8Array(cols.buffer));
  writeFileSync(join(dataDir, 'labels.u8'), labels);
  writeFileSync(join(dataDir, 'train.i64'), new Uint8Array(ends.buffer));
}

/**
 * Trains with training/cnn/train.py (NumPy) on the data writeTrainerData hands it, or (CNN_RESUME) takes the weights a
 * CNN_TRAIN_ONLY run of this very config left, without writing the data again.
 */
function runNumpyTrainer(
  sources: readonly Source[],
  train: WindowSet,
  trainLabels: Uint8Array,
  perturbedFrom: number,
): { weights: Float32Array; drawn: number[]; total: number; seconds: number } {
  const dataDir = join(WORK_DIR, 'data');
  const outDir = join(WORK_DIR, 'out');
  const config = {
    seed: TRAIN_CONFIG.seed,
    drawSeed: TRAIN_CONFIG.drawSeed,
    batchSize: TRAIN_CONFIG.batchSize,
    steps: STEPS,
    learningRate: LEARNING_RATE,
    balancedFraction: TRAIN_CONFIG.balancedFraction,
    hardMining: TRAIN_CONFIG.hardMining,
    nearMissFraction: TRAIN_CONFIG.nearMissFraction,
    perturbedFrom,
    initWeights: WARM_START ? resolve(repoRoot, WARM_START) : null,
    lossWeights: PATTERN_NAMES.map((p) => TRAIN_CONFIG.patternWeights[p] ?? 1),
  };
  const configPath = join(WORK_DIR, 'config.json');
  if (RESUME) {
    // Finish a run whose training already ended (CNN_TRAIN_ONLY): only if it trained with exactly this config.
    const before = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '(none)';
    if (before !== JSON.stringify(config)) throw new Error(`CNN_RESUME: ${configPath} is not this run's config`);
    log(`CNN_RESUME: using the weights train.py left in ${outDir}`);
  } else {
    writeTrainerData(dataDir, sources, train, trainLabels);
    writeFileSync(configPath, JSON.stringify(config));
    log(`training with NumPy: ${PYTHON} training/cnn/train.py`);
    const res = spawnSync(PYTHON, [join(repoRoot, 'training', 'cnn', 'train.py'), dataDir, outDir, configPath], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, OPENBLAS_NUM_THREADS: process.env['OPENBLAS_NUM_THREADS'] ?? '2' },
    });
    if (res.status !== 0) throw new Error(`train.py failed (exit ${res.status ?? res.signal})`);
  }
  const bin = readFileSync(join(outDir, 'weights.f32'));
  const weights = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const result = JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')) as {
    drawn: number[];
    total: number;
    seconds: number;
  };
  return { weights, ...result };
}

async function main(): Promise<void> {
  const started = Date.now();
  useNodeWasmFiles();
  await tf.setBackend('wasm');
  await tf.ready();
  log(`backend ${tf.getBackend()}, ${STEPS} steps of ${TRAIN_CONFIG.batchSize}, seed ${TRAIN_CONFIG.seed}`);

  const originals: Source[] = [];
  const sources: Source[] = [];
  /** Originals plus their market-stressed and resampled copies: their validation splits choose the thresholds. */
  const variants: Source[] = [];
  FILES.forEach((file, k) => {
    const original = loadSource(DATA_DIR, file, detectPatterns);
    originals.push(original);
    sources.push(original);
    variants.push(original);
    if (TRAIN_CONFIG.mirrorAugment) sources.push(loadSource(DATA_DIR, file, detectPatterns, true, original.cols));
    TRAIN_CONFIG.stressCopies.forEach((kinds, c) => {
      const stressed = labelledSource(
        `${file} (stressed: ${kinds.join('/')})`,
        stressMix(original.cols, { ...TRAIN_CONFIG.stress, kinds }, TRAIN_CONFIG.seed + 1000 * (c + 1) + k),
      );
      sources.push(stressed);
      variants.push(stressed);
    });
    const from = timeframeOfFile(file);
    const to = (TRAIN_CONFIG.resampleTo as Partial<Record<string, Timeframe>>)[from];
    if (to) {
      const resampled = labelledSource(`${file} -> ${to}`, resampleColumns(original.cols, from, to));
      sources.push(resampled);
      variants.push(resampled);
    }
  });
  log(`loaded and labelled ${sources.length} sources (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const base = windowSet(sources, 'train');
  const perturbed = perturbedSources(
    base,
    setLabels(base),
    detectPatterns,
    TRAIN_CONFIG.augment,
    TRAIN_CONFIG.seed + 1,
  );
  sources.push(...perturbed);
  const train = windowSet(sources, 'train');
  const trainLabels = setLabels(train);
  log(`perturbed copies of rare-pattern windows: ${train.n - base.n}`);
  const validation = windowSet(variants, 'validation');
  const validationLabels = setLabels(validation);
  const test = windowSet(originals, 'test');
  const testLabels = setLabels(test);
  const trainPos = positives(trainLabels);
  log(
    `windows: train ${train.n} (with mirrors), validation ${validation.n}, test ${test.n} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  log(`train positives: ${PATTERN_NAMES.map((p, j) => `${p}=${trainPos[j]}`).join(' ')}`);

  const trueRate = trainPos.map((c) => clampP(c / train.n));
  const trained = runNumpyTrainer(sources, train, trainLabels, base.n);
  const w = weightsFromFlat(trained.weights);
  const trainSeconds = trained.seconds;
  if (TRAIN_ONLY) {
    log(`trained in ${trainSeconds.toFixed(0)} s; CNN_TRAIN_ONLY: weights left in ${join(WORK_DIR, 'out')}`);
    return;
  }

  // Undo the balanced-sampling prior: shift each output bias by logit(true rate) - logit(sampled rate).
  const sampledRate = trained.drawn.map((d) => clampP(d / trained.total));
  const shift = PATTERN_NAMES.map((_, j) => (trainPos[j]! > 0 ? logit(trueRate[j]!) - logit(sampledRate[j]!) : 0));
  w.dense.bias.assign(tf.add(w.dense.bias, tf.tensor1d(shift)));

  const valProbs = predictSet(w, validation);
  const thresholds = Object.fromEntries(
    PATTERN_NAMES.map((p, j) => [p, bestThreshold(valProbs, validationLabels, j)]),
  ) as Record<PatternName, number>;
  const valEval = evaluate(valProbs, validationLabels, thresholds);
  log(`validation macro-F1 ${valEval.macro_f1.toFixed(4)}`);

  // Export to conv1d layers and check it computes what was trained.
  const layers = toLayersModel(w);
  const probeX = new Float32Array(256 * WINDOW_SIZE);
  writeRows(
    test,
    Array.from({ length: 256 }, (_, k) => Math.floor((k * test.n) / 256)),
    probeX,
  );
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
    log(
      `test ${p.padEnd(21)} support ${String(s.support).padStart(5)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)} thr ${thresholds[p].toFixed(3)}`,
    );
  }
  log(
    `test macro-F1 ${testEval.macro_f1.toFixed(4)} over ${testEval.macro_patterns.length} patterns with >= 20 occurrences`,
  );
  // The other evaluation sets (evalsets.ts): unseen timeframes, market stress, foreign venue/market.
  const sets: Partial<Record<string, Evaluation & { sources: string[] }>> = {
    heldout: { ...testEval, sources: originals.map((s) => s.file) },
  };
  if (!process.env['CNN_FILES']) {
    for (const name of EVAL_SETS.filter((s) => s !== 'heldout')) {
      const evalSources = buildEvalSet(name, DATA_DIR);
      const set = allWindows(evalSources);
      const e = evaluate(predictSet(w, set), setLabels(set), thresholds);
      sets[name] = { ...e, sources: evalSources.map((s) => s.file) };
      for (const p of PATTERN_NAMES) {
        const s = e.patterns[p];
        log(
          `${name} ${p.padEnd(21)} support ${String(s.support).padStart(5)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)}`,
        );
      }
      log(`${name} macro-F1 ${e.macro_f1.toFixed(4)} over ${e.macro_patterns.length} patterns, ${e.windows} windows`);
    }
  }
  // A resumed run (CNN_RESUME) counts the training it resumes from.
  const totalSeconds = (Date.now() - started) / 1000 + (RESUME ? trainSeconds : 0);
  log(`training ${trainSeconds.toFixed(0)} s, total ${totalSeconds.toFixed(0)} s`);

  if (process.env['CNN_NO_MANIFEST'] !== '1') {
    // The shipped files, loaded as the app loads them: Node wasm as reference, then Chromium's backends.
    const checkWindows = probeX.subarray(0, 64 * WINDOW_SIZE);
    const shipped = await loadPatternCnnFromDir(OUT_DIR, { backends: ['wasm'] });
    const reference = await shipped.predict(checkWindows, 64);
    shipped.dispose();
    const browser = await checkBrowserBackends(checkWindows, 64, reference);
    for (const c of browser.checks)
      log(`backend check: ${c.backend} in ${c.where}: max |diff| vs Node wasm ${c.max_abs_diff.toExponential(2)}`);
    for (const f of browser.failures) log(`backend check failed: ${f}`);
    const backendsChecked = [
      { backend: 'wasm', where: 'node (training export check, reference)', max_abs_diff: exportDiff },
      ...browser.checks,
    ];
    writeManifestEntry(resolve(OUT_DIR, '..', 'manifest.json'), {
      version: TRAIN_CONFIG.version,
      created,
      path: 'pattern-cnn/model.json',
      format: 'tfjs-layers-model',
      architecture: `conv1d(3,32,relu,same) -> conv1d(3,64,relu,same) -> conv1d(3,128,relu,same) -> flatten -> dense(${HIDDEN},relu) -> dense(15,sigmoid)`,
      input: {
        shape: [WINDOW_LENGTH, WINDOW_FEATURES],
        features: ['open', 'high', 'low', 'close', 'volume'],
        normalization: WINDOW_NORMALIZATION,
      },
      outputs: PATTERN_NAMES,
      labels: 'rule detectors (src/core/patterns/rules) at the last candle of each window',
      training: {
        seed: TRAIN_CONFIG.seed,
        draw_seed: TRAIN_CONFIG.drawSeed,
        steps: STEPS,
        batch_size: TRAIN_CONFIG.batchSize,
        learning_rate: LEARNING_RATE,
        balanced_fraction: TRAIN_CONFIG.balancedFraction,
        hard_mining: TRAIN_CONFIG.hardMining,
        near_miss_fraction: TRAIN_CONFIG.nearMissFraction,
        pattern_weights: TRAIN_CONFIG.patternWeights,
        warm_start: WARM_START || null,
        backend: 'NumPy (train.py, im2col + matmul), fine-tuned from warm_start',
        seconds: Math.round(totalSeconds),
        split:
          'per file, time-ordered: first 70% train, next 10% validation (thresholds), latest 20% held out; the stressed and resampled copies of each file are split the same way',
        foreign_files_not_trained: TRAIN_CONFIG.foreignFiles,
        stress_augmentation: { ...TRAIN_CONFIG.stress, copies: TRAIN_CONFIG.stressCopies },
        resampled_copies: TRAIN_CONFIG.resampleTo,
        windows: { train: train.n, validation: validation.n, test: test.n },
        mirror_augmentation: TRAIN_CONFIG.mirrorAugment,
        perturbation_augmentation: { ...TRAIN_CONFIG.augment, windows: train.n - base.n },
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
        sets,
      },
      export_max_abs_diff: exportDiff,
      backends_checked: backendsChecked,
      backend_check_failures: browser.failures,
    });
    log('manifest entry models.pattern_cnn written');
  }
}

await main();
