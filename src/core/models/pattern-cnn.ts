import * as tf from './tfjs';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { buildWindows, WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_NORMALIZATION, WINDOW_SIZE } from '../patterns/window';
import { mulberry32 } from '../util/random';
import {
  CNN_BACKENDS,
  chooseBackend,
  type BackendDecision,
  type BackendTrial,
  type CnnBackend,
} from './backend-choice';
import { oneLine } from '../util/errors';

/**
 * The pattern CNN at run time, in the style of a tfjs-models package: `loadPatternCnn` loads the
 * TensorFlow.js layers model (public/models/pattern-cnn/), picks its tfjs backend by measurement (issue 17:
 * a warm-up batch on each available backend in the order webgpu -> webgl -> wasm -> cpu, the fastest whose
 * outputs match the cpu reference within 1e-4 wins; backend-choice.ts decides, `selection` says why) and
 * returns a `PatternCnn` whose `predict` maps normalised windows (src/core/patterns/window.ts) to the 15
 * pattern probabilities in PATTERN_NAMES order. A backend that fails at run time hands over to the next
 * fastest.
 *
 * Loading fails with a `PatternCnnLoadError` whose message is one line naming the problem (missing
 * or corrupt files, wrong shapes, non-finite weights, a window normalisation this engine does not
 * produce); callers show "pattern CNN not loaded: <message>" and keep the rule detections.
 */
export { CNN_BACKENDS, type CnnBackend };

/** What the trainer stores in model.json (`userDefinedMetadata.pattern_cnn`). */
export interface PatternCnnMetadata {
  version: string;
  created: string;
  window_normalization: string;
  window_length: number;
  window_features: number;
  patterns: readonly string[];
  /** Per-pattern decision thresholds on the probability, chosen on the validation split. */
  thresholds: Record<string, number>;
}

export interface PatternCnn {
  /** `windows` holds `batch` windows of `[WINDOW_LENGTH, WINDOW_FEATURES]`; returns `batch x 15` probabilities. */
  predict(windows: Float32Array, batch: number): Promise<Float32Array>;
  /** The tfjs backend the model runs on. */
  readonly backend: CnnBackend;
  readonly version: string;
  readonly metadata: PatternCnnMetadata;
  /** Decision threshold per pattern (probability >= threshold counts as detected). */
  readonly thresholds: Readonly<Record<PatternName, number>>;
  /** Why each backend not in use was skipped (unavailable, outputs off the reference, failed at run time). */
  readonly skippedBackends: Readonly<Partial<Record<CnnBackend, string>>>;
  /** The measurement the backend was chosen by: timings, differences and the one-line reason. */
  readonly selection: BackendDecision;
  dispose(): void;
}

export type PatternCnnSource = { modelUrl: string } | { handler: tf.io.IOHandler };

export interface LoadPatternCnnOptions {
  /** Backends to measure, in this order (default CNN_BACKENDS). */
  backends?: readonly CnnBackend[];
  /** 'fastest' (default) keeps the fastest backend that matches the reference; 'first' the first in `backends` order that matches (tests). */
  select?: 'fastest' | 'first';
}

/** Windows in the reference batch every backend must reproduce. */
export const REFERENCE_BATCH = 16;
/** Single-window predicts timed per backend after the warm-up (the median counts). */
const TIMED_RUNS = 5;

/**
 * The reference batch: REFERENCE_BATCH windows of a seeded random-walk market with gaps, long wicks and flat
 * candles, normalised like real input (src/core/patterns/window.ts).
 */
export function referenceWindows(): Float32Array {
  const rand = mulberry32(20261201);
  const n = WINDOW_LENGTH + REFERENCE_BATCH * 3;
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = rand() < 0.2 ? price + (rand() - 0.5) : price;
    const close = rand() < 0.1 ? open : open + (rand() - 0.5) * 2;
    cols.time[i] = i * 60_000;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = Math.max(open, close) + rand() * rand() * 1.5;
    cols.low[i] = Math.min(open, close) - rand() * rand() * 1.5;
    cols.volume[i] = rand() < 0.05 ? 0 : 10 + rand() * 90;
    price = close;
  }
  return buildWindows(
    cols,
    Array.from({ length: REFERENCE_BATCH }, (_, k) => n - 1 - k * 3),
  );
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

export class PatternCnnLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PatternCnnLoadError';
  }
}

function joinBuffers(data: tf.io.WeightData): ArrayBuffer {
  const parts = Array.isArray(data) ? data : [data];
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((s, b) => s + b.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks loaded artifacts before tfjs sees them: every failure is one clear line. */
export function validateArtifacts(artifacts: tf.io.ModelArtifacts): {
  weights: ArrayBuffer;
  metadata: PatternCnnMetadata;
} {
  if (!isRecord(artifacts.modelTopology)) throw new PatternCnnLoadError('model.json has no layers-model topology');
  const specs = artifacts.weightSpecs;
  if (!specs || specs.length === 0) throw new PatternCnnLoadError('model.json lists no weights');
  if (!artifacts.weightData) throw new PatternCnnLoadError('weight data missing');
  const weights = joinBuffers(artifacts.weightData);
  let expected = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32' || s.quantization)
      throw new PatternCnnLoadError(`weight ${s.name}: unsupported dtype ${s.dtype}`);
    expected += s.shape.reduce((a, b) => a * b, 1) * 4;
  }
  if (weights.byteLength !== expected) {
    throw new PatternCnnLoadError(
      `weights are ${weights.byteLength} bytes, model.json expects ${expected} (truncated or corrupt weights file)`,
    );
  }
  const values = new Float32Array(weights);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new PatternCnnLoadError(`weights contain a non-finite value at float ${i} (corrupt weights file)`);
  }
  const meta = isRecord(artifacts.userDefinedMetadata) ? artifacts.userDefinedMetadata['pattern_cnn'] : undefined;
  if (!isRecord(meta)) throw new PatternCnnLoadError('model.json has no pattern_cnn metadata');
  const m = meta as unknown as PatternCnnMetadata;
  if (m.window_normalization !== WINDOW_NORMALIZATION) {
    throw new PatternCnnLoadError(
      `model expects window normalisation "${String(m.window_normalization)}", engine produces "${WINDOW_NORMALIZATION}"`,
    );
  }
  if (m.window_length !== WINDOW_LENGTH || m.window_features !== WINDOW_FEATURES) {
    throw new PatternCnnLoadError(
      `model expects windows of ${m.window_length}x${m.window_features}, engine produces ${WINDOW_LENGTH}x${WINDOW_FEATURES}`,
    );
  }
  if (!Array.isArray(m.patterns) || m.patterns.join(',') !== PATTERN_NAMES.join(',')) {
    throw new PatternCnnLoadError('model pattern order differs from PATTERN_NAMES');
  }
  if (!isRecord(m.thresholds) || PATTERN_NAMES.some((p) => typeof m.thresholds[p] !== 'number')) {
    throw new PatternCnnLoadError('model metadata lacks a threshold for every pattern');
  }
  if (typeof m.version !== 'string') throw new PatternCnnLoadError('model metadata has no version');
  return { weights, metadata: m };
}

/** ModelArtifacts of a model.json object and its weight files' contents (in weightsManifest path order). */
export function artifactsFromModelJson(
  json: unknown,
  where: string,
  readWeights: (paths: string[]) => Promise<ArrayBuffer[]>,
): Promise<tf.io.ModelArtifacts> {
  const modelJson = json as tf.io.ModelJSON;
  if (!isRecord(json) || !Array.isArray(modelJson.weightsManifest)) {
    return Promise.reject(new PatternCnnLoadError(`${where}: not a layers model.json (no weightsManifest)`));
  }
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  return readWeights(paths).then((buffers) => ({
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    weightSpecs,
    weightData: joinBuffers(buffers),
    userDefinedMetadata: modelJson.userDefinedMetadata,
  }));
}

async function fetchOrFail(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new PatternCnnLoadError(`${url}: cannot fetch (${oneLine(err)})`, { cause: err });
  }
  if (!res.ok) throw new PatternCnnLoadError(`${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return res;
}

/** An IOHandler that fetches model.json and its weight files (paths relative to model.json's URL). */
export function httpHandler(modelUrl: string): tf.io.IOHandler {
  return {
    load: async () => {
      const text = await (await fetchOrFail(modelUrl)).text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new PatternCnnLoadError(`${modelUrl}: not valid JSON (is the model deployed?)`, { cause: err });
      }
      const base = new URL(modelUrl, globalThis.location?.href ?? 'http://localhost/');
      return artifactsFromModelJson(json, modelUrl, (paths) =>
        Promise.all(paths.map(async (p) => (await fetchOrFail(new URL(p, base).href)).arrayBuffer())),
      );
    },
  };
}

async function useBackend(name: CnnBackend): Promise<void> {
  if (!tf.findBackendFactory(name)) throw new Error(`${name} backend is not registered`);
  if (tf.getBackend() === name) return;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new Error(`${name} backend failed to initialise: ${oneLine(err)}`, { cause: err });
  }
  if (!ok) throw new Error(`${name} backend is not available here`);
  await tf.ready();
}

async function runModel(model: tf.LayersModel, windows: Float32Array, batch: number): Promise<Float32Array> {
  // One pass over the whole batch: LayersModel.predict would cut it into slices of 32 rows (a slice copy and a
  // small GEMM each, the larger part of the CNN's cost on 50,000 windows); each row's outputs do not depend on
  // the batch it is in.
  const out = tf.tidy(
    () => model.predictOnBatch(tf.tensor3d(windows, [batch, WINDOW_LENGTH, WINDOW_FEATURES])) as tf.Tensor,
  );
  try {
    const data = await out.data();
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  } finally {
    out.dispose();
  }
}

/** Loads the layers model on the current backend and checks its input/output shapes. */
async function loadOnCurrentBackend(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const model = await tf.loadLayersModel({ load: async () => artifacts });
  const inShape = model.inputs[0]?.shape?.join(',');
  const outShape = model.outputs[0]?.shape?.join(',');
  if (inShape !== `,${WINDOW_LENGTH},${WINDOW_FEATURES}` || outShape !== `,${PATTERN_NAMES.length}`) {
    model.dispose();
    throw new PatternCnnLoadError(
      `model maps [${inShape}] -> [${outShape}], expected [,${WINDOW_LENGTH},${WINDOW_FEATURES}] -> [,${PATTERN_NAMES.length}]`,
    );
  }
  return model;
}

/**
 * Loads the model and picks its backend by measurement: the cpu backend computes the reference outputs of
 * `referenceWindows()`, then every backend of `options.backends` runs them (the warm-up: shader compilation,
 * buffer allocation) and is timed on single-window predicts; `chooseBackend` takes the fastest that matches.
 */
export async function loadPatternCnn(
  source: PatternCnnSource,
  options: LoadPatternCnnOptions = {},
): Promise<PatternCnn> {
  const handler = 'handler' in source ? source.handler : httpHandler(source.modelUrl);
  if (!handler.load) throw new PatternCnnLoadError('model source cannot load');
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (err) {
    throw new PatternCnnLoadError(oneLine(err), { cause: err });
  }
  const { metadata } = validateArtifacts(artifacts);
  const order = options.backends ?? CNN_BACKENDS;
  const probe = referenceWindows();
  const single = probe.subarray(0, WINDOW_SIZE);

  // The reference: the cpu backend (plain JavaScript kernels) on the reference batch.
  let reference: Float32Array;
  try {
    await useBackend('cpu');
    const model = await loadOnCurrentBackend(artifacts);
    try {
      reference = await runModel(model, probe, REFERENCE_BATCH);
    } finally {
      model.dispose();
    }
  } catch (err) {
    if (err instanceof PatternCnnLoadError) throw err;
    throw new PatternCnnLoadError(`cpu reference run failed: ${oneLine(err)}`, { cause: err });
  }
  if (!reference.every((v) => Number.isFinite(v))) throw new PatternCnnLoadError('model gives non-finite outputs');

  const trials: BackendTrial[] = [];
  for (const name of order) {
    let model: tf.LayersModel | undefined;
    try {
      await useBackend(name);
      model = await loadOnCurrentBackend(artifacts);
      const out = await runModel(model, probe, REFERENCE_BATCH); // warm-up and equivalence check
      let diff = 0;
      for (let i = 0; i < out.length; i++) diff = Math.max(diff, Math.abs(out[i]! - reference[i]!));
      if (out.length !== reference.length || !out.every((v) => Number.isFinite(v))) diff = Infinity;
      await runModel(model, single, 1); // warm-up of the batch-1 shape the app runs
      const times: number[] = [];
      for (let r = 0; r < TIMED_RUNS; r++) {
        const t = now();
        await runModel(model, single, 1);
        times.push(now() - t);
      }
      trials.push({ backend: name, ms: median(times), maxAbsDiff: diff, error: null });
    } catch (err) {
      if (err instanceof PatternCnnLoadError) throw err;
      trials.push({ backend: name, ms: null, maxAbsDiff: null, error: oneLine(err) });
    } finally {
      model?.dispose();
    }
  }
  const measured = chooseBackend(trials);
  const inOrder = order.filter((b) => measured.ranked.includes(b));
  const selection: BackendDecision =
    options.select === 'first' && inOrder.length > 0
      ? {
          ...measured,
          chosen: inOrder[0]!,
          ranked: inOrder,
          reason: `${inOrder[0]!}: first usable in the given order (${measured.reason})`,
        }
      : measured;
  const skipped: Partial<Record<CnnBackend, string>> = { ...selection.rejected };
  if (!selection.chosen) throw new PatternCnnLoadError(`no tfjs backend could run the model: ${selection.reason}`);
  const ranked = selection.ranked;

  /** Loads the model on the first backend from ranked[from] on that initialises. */
  async function activate(from: number): Promise<{ model: tf.LayersModel; index: number }> {
    for (let index = from; index < ranked.length; index++) {
      const name = ranked[index]!;
      try {
        await useBackend(name);
        return { model: await loadOnCurrentBackend(artifacts), index };
      } catch (err) {
        if (err instanceof PatternCnnLoadError) throw err;
        skipped[name] = oneLine(err);
      }
    }
    throw new PatternCnnLoadError(
      `no tfjs backend could run the model (${Object.entries(skipped)
        .map(([b, why]) => `${b}: ${why}`)
        .join('; ')})`,
    );
  }

  let active = await activate(0);
  const thresholds = Object.fromEntries(PATTERN_NAMES.map((p) => [p, metadata.thresholds[p]!])) as Record<
    PatternName,
    number
  >;
  return {
    get backend() {
      return ranked[active.index]!;
    },
    version: metadata.version,
    metadata,
    thresholds,
    skippedBackends: skipped,
    selection,
    predict: async (windows, batch) => {
      if (!Number.isInteger(batch) || batch < 1 || windows.length !== batch * WINDOW_SIZE) {
        throw new RangeError(`predict: ${windows.length} values do not hold ${batch} windows of ${WINDOW_SIZE}`);
      }
      try {
        return await runModel(active.model, windows, batch);
      } catch (err) {
        // The backend failed at run time (e.g. a lost GPU device): fall back to the next fastest and retry once.
        skipped[ranked[active.index]!] = oneLine(err);
        active.model.dispose();
        active = await activate(active.index + 1);
        return runModel(active.model, windows, batch);
      }
    },
    dispose: () => active.model.dispose(),
  };
}
