import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { PATTERN_NAMES, type PatternName } from '../patterns/names';
import { WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_NORMALIZATION, WINDOW_SIZE } from '../patterns/window';
import { oneLine } from '../util/errors';

/**
 * The pattern CNN at run time, in the style of a tfjs-models package: `loadPatternCnn` loads the
 * TensorFlow.js layers model (public/models/pattern-cnn/), picks a tfjs backend (webgpu -> webgl ->
 * wasm -> cpu, falling back when one fails to initialise or to run the model) and returns a
 * `PatternCnn` whose `predict` maps normalised windows (src/core/patterns/window.ts) to the 15
 * pattern probabilities in PATTERN_NAMES order.
 *
 * Loading fails with a `PatternCnnLoadError` whose message is one line naming the problem (missing
 * or corrupt files, wrong shapes, non-finite weights, a window normalisation this engine does not
 * produce); callers show "pattern CNN not loaded: <message>" and keep the rule detections.
 */
export type CnnBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const CNN_BACKENDS: readonly CnnBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

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
  /** Why each backend tried before `backend` was skipped. */
  readonly skippedBackends: Readonly<Partial<Record<CnnBackend, string>>>;
  dispose(): void;
}

export type PatternCnnSource = { modelUrl: string } | { handler: tf.io.IOHandler };

export interface LoadPatternCnnOptions {
  backends?: readonly CnnBackend[];
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
  const out = tf.tidy(() => model.predict(tf.tensor3d(windows, [batch, WINDOW_LENGTH, WINDOW_FEATURES])) as tf.Tensor);
  try {
    const data = await out.data();
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  } finally {
    out.dispose();
  }
}

/** Loads the model and picks the first backend (in `options.backends` order) that initialises and runs it. */
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
  const skipped: Partial<Record<CnnBackend, string>> = {};
  const probe = new Float32Array(WINDOW_SIZE);

  /** Loads the model on the first backend from order[from] on that initialises and runs it. */
  async function activate(from: number): Promise<{ model: tf.LayersModel; index: number }> {
    for (let index = from; index < order.length; index++) {
      const name = order[index]!;
      let model: tf.LayersModel | undefined;
      try {
        await useBackend(name);
        model = await tf.loadLayersModel({ load: async () => artifacts });
        const inShape = model.inputs[0]?.shape?.join(',');
        const outShape = model.outputs[0]?.shape?.join(',');
        if (inShape !== `,${WINDOW_LENGTH},${WINDOW_FEATURES}` || outShape !== `,${PATTERN_NAMES.length}`) {
          throw new PatternCnnLoadError(
            `model maps [${inShape}] -> [${outShape}], expected [,${WINDOW_LENGTH},${WINDOW_FEATURES}] -> [,${PATTERN_NAMES.length}]`,
          );
        }
        const check = await runModel(model, probe, 1);
        if (check.length !== PATTERN_NAMES.length || !check.every((v) => Number.isFinite(v))) {
          throw new Error(`${name} backend gave non-finite outputs`);
        }
        return { model, index };
      } catch (err) {
        model?.dispose();
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
      return order[active.index]!;
    },
    version: metadata.version,
    metadata,
    thresholds,
    skippedBackends: skipped,
    predict: async (windows, batch) => {
      if (!Number.isInteger(batch) || batch < 1 || windows.length !== batch * WINDOW_SIZE) {
        throw new RangeError(`predict: ${windows.length} values do not hold ${batch} windows of ${WINDOW_SIZE}`);
      }
      try {
        return await runModel(active.model, windows, batch);
      } catch (err) {
        // The backend failed at run time (e.g. a lost GPU device): fall back to the next one and retry once.
        skipped[order[active.index]!] = oneLine(err);
        active.model.dispose();
        active = await activate(active.index + 1);
        return runModel(active.model, windows, batch);
      }
    },
    dispose: () => active.model.dispose(),
  };
}
