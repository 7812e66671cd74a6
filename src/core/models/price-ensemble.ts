import type * as Ort from 'onnxruntime-web';
import { featureSchemaHash, MODEL_FEATURE_NAMES } from '../features/registry';
import type { HorizonPrediction } from '../insights/types';
import { closeInterval, directionConfidence, spread, volatilityScale } from './price-calibration';
import {
  ENSEMBLE_MEMBERS,
  parsePriceEnsembleParams,
  PRICE_HORIZONS,
  PriceEnsembleLoadError,
  type EnsembleMember,
  type PriceEnsembleParams,
  type PriceHorizon,
} from './price-ensemble-params';
import { oneLine } from '../util/errors';

/**
 * The price predictor at run time: 12 ONNX TreeEnsembleRegressor models (xgboost, hist_gbdt, random_forest x
 * horizons 1, 5, 15, 60 candles) run by onnxruntime-web, combined 0.4 / 0.4 / 0.2 into a log-return forecast,
 * with a calibrated direction confidence and an 80% interval (see price-calibration.ts).
 *
 * The ort runtime is passed in: the worker gives `onnxruntime-web/wasm` with its wasm files served by Vite
 * (ort-wasm-browser.ts), Node gives `onnxruntime-web` (price-ensemble-node.ts). Artifacts come from a reader, so
 * the browser fetches URLs and Node reads files. A model trained on another feature schema is refused.
 */
export { ENSEMBLE_MEMBERS, PRICE_HORIZONS, PriceEnsembleLoadError };
export type { EnsembleMember, PriceEnsembleParams, PriceHorizon };

export type OrtRuntime = Pick<typeof Ort, 'InferenceSession' | 'Tensor' | 'env'>;

/** Returns the bytes of one artifact of the model folder, e.g. "price-ensemble.json" or "xgboost_h1.onnx". */
export type ArtifactReader = (name: string) => Promise<Uint8Array>;

export const PARAMS_FILE = 'price-ensemble.json';

export interface LoadPriceEnsembleOptions {
  ort: OrtRuntime;
  /** Schema hash of the engine's model features; defaults to featureSchemaHash(). */
  schemaHash?: string;
  /** Feature order the caller provides; defaults to MODEL_FEATURE_NAMES. */
  featureNames?: readonly string[];
  /** Backend label reported in status (the execution provider is wasm). */
  backendLabel?: string;
}

/** One horizon of SPEC §2 `price_predictions` (the Insight's type); `models` holds each member's predicted close. */
export type { HorizonPrediction };

export type PricePrediction = Record<PriceHorizon, HorizonPrediction>;

export interface PredictContext {
  close: number;
  /** Overrides the volatility scale taken from the features (per-candle GARCH(1,1) vol). */
  garchVol?: number;
}

/** Column results of a batch; NaN in rows that are not predictable (warm-up). */
export interface HorizonColumns {
  prediction: Float64Array;
  return: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  confidence: Float64Array;
  std: Float64Array;
  /** Each member's predicted log return. */
  memberReturns: Record<EnsembleMember, Float64Array>;
}

export interface PriceBatch {
  rows: number;
  /** 1 where the row is past warm-up and was predicted. */
  predictable: Uint8Array;
  horizons: Record<PriceHorizon, HorizonColumns>;
}

const CHUNK_ROWS = 8192;

export class PriceEnsemble {
  readonly featureCount: number;
  private readonly requiredIndices: Int32Array;
  private readonly scaleIndex: number;
  private readonly fallbackIndex: number;

  constructor(
    readonly params: PriceEnsembleParams,
    private readonly ort: OrtRuntime,
    private readonly sessions: Record<PriceHorizon, Record<EnsembleMember, Ort.InferenceSession>>,
    readonly backend: string,
  ) {
    const names = params.feature_names;
    this.featureCount = names.length;
    const required: number[] = [];
    names.forEach((n, i) => {
      if (!params.optional_prefixes.some((p) => n.startsWith(p))) required.push(i);
    });
    this.requiredIndices = Int32Array.from(required);
    this.scaleIndex = names.indexOf(params.scale.feature);
    this.fallbackIndex = names.indexOf(params.scale.fallback_feature);
  }

  get version(): string {
    return this.params.version;
  }

  /** A row is predictable once every non-optional feature is finite (warm-up over). */
  isPredictable(features: ArrayLike<number>, offset = 0): boolean {
    for (let k = 0; k < this.requiredIndices.length; k++) {
      if (!Number.isFinite(features[offset + this.requiredIndices[k]!]!)) return false;
    }
    return true;
  }

  /** Per-candle volatility of a row (GARCH vol, or the fallback during GARCH warm-up), floored. */
  scaleOf(features: ArrayLike<number>, offset = 0, garchVol?: number): number {
    const primary = garchVol ?? features[offset + this.scaleIndex]!;
    return volatilityScale(primary, features[offset + this.fallbackIndex]!, this.params.scale.floor);
  }

  /** Predictions for one candle (features in the model feature order); null during warm-up. */
  async predict(features: ArrayLike<number>, context: PredictContext): Promise<PricePrediction | null> {
    if (features.length !== this.featureCount) {
      throw new Error(`price ensemble expects ${this.featureCount} features, got ${features.length}`);
    }
    const batch = await this.predictBatch(
      features,
      1,
      [context.close],
      context.garchVol === undefined ? undefined : [context.garchVol],
    );
    if (!batch.predictable[0]) return null;
    const out = {} as PricePrediction;
    for (const h of PRICE_HORIZONS) {
      const c = batch.horizons[h];
      const models = {} as Record<EnsembleMember, number>;
      for (const m of ENSEMBLE_MEMBERS) models[m] = context.close * Math.exp(c.memberReturns[m][0]!);
      out[h] = {
        prediction: c.prediction[0]!,
        return: c.return[0]!,
        lower: c.lower[0]!,
        upper: c.upper[0]!,
        confidence: c.confidence[0]!,
        std: c.std[0]!,
        models,
      };
    }
    return out;
  }

  /**
   * Predictions for `rows` candles: `features` is row-major [rows x featureCount] (NaN = missing), `closes` the
   * close of each row, `garchVol` optional per-row volatility overrides.
   */
  async predictBatch(
    features: ArrayLike<number>,
    rows: number,
    closes: ArrayLike<number>,
    garchVol?: ArrayLike<number>,
  ): Promise<PriceBatch> {
    const f = this.featureCount;
    if (features.length !== rows * f)
      throw new Error(`price ensemble: expected ${rows} x ${f} feature values, got ${features.length}`);
    if (closes.length !== rows) throw new Error(`price ensemble: expected ${rows} closes, got ${closes.length}`);
    const predictable = new Uint8Array(rows);
    const picked: number[] = [];
    for (let r = 0; r < rows; r++) {
      const close = closes[r]!;
      if (Number.isFinite(close) && close > 0 && this.isPredictable(features, r * f)) {
        predictable[r] = 1;
        picked.push(r);
      }
    }
    const horizons = {} as Record<PriceHorizon, HorizonColumns>;
    for (const h of PRICE_HORIZONS) horizons[h] = emptyColumns(rows);
    for (let start = 0; start < picked.length; start += CHUNK_ROWS) {
      const idx = picked.slice(start, start + CHUNK_ROWS);
      const input = new Float32Array(idx.length * f);
      idx.forEach((r, k) => {
        for (let j = 0; j < f; j++) input[k * f + j] = features[r * f + j]!;
      });
      const raw = await this.runAll(input, idx.length);
      idx.forEach((r, k) => {
        const close = closes[r]!;
        const scale = this.scaleOf(features, r * f, garchVol?.[r]);
        for (const h of PRICE_HORIZONS) this.combine(horizons[h], h, r, raw[h], k, close, scale);
      });
    }
    return { rows, predictable, horizons };
  }

  /**
   * Raw member outputs (predicted log returns) as onnxruntime returns them, for row-major float32 rows (the
   * precision the models were trained on). XGBoost models take them as float32 tensors; scikit-learn models as
   * float64 tensors of the same values, so they compare and accumulate in float64 like scikit-learn.
   */
  async runAll(input: Float32Array, rows: number): Promise<Record<PriceHorizon, Record<EnsembleMember, Float32Array>>> {
    const shape = [rows, this.featureCount];
    const tensors = {
      float32: new this.ort.Tensor('float32', input, shape),
      float64: new this.ort.Tensor('float64', Float64Array.from(input), shape),
    };
    const out = {} as Record<PriceHorizon, Record<EnsembleMember, Float32Array>>;
    for (const h of PRICE_HORIZONS) {
      out[h] = {} as Record<EnsembleMember, Float32Array>;
      for (const m of ENSEMBLE_MEMBERS) {
        const tensor = tensors[this.params.horizon_models[h].input_dtypes[m]];
        const result = await this.sessions[h][m].run({ [this.params.input.name]: tensor });
        const y = result[this.params.input.output];
        if (!y || !(y.data instanceof Float32Array) || y.data.length !== rows) {
          throw new Error(`price ensemble ${m} h=${h}: unexpected output`);
        }
        out[h][m] = y.data;
      }
    }
    return out;
  }

  private combine(
    cols: HorizonColumns,
    h: PriceHorizon,
    r: number,
    raw: Record<EnsembleMember, Float32Array>,
    k: number,
    close: number,
    scale: number,
  ): void {
    const hp = this.params.horizon_models[h];
    const w = this.params.weights;
    let ret = 0;
    const memberCloses: number[] = [];
    for (const m of ENSEMBLE_MEMBERS) {
      const v = raw[m][k]!;
      cols.memberReturns[m][r] = v;
      ret += w[m] * v;
      memberCloses.push(close * Math.exp(v));
    }
    const volH = scale * Math.sqrt(Number(h));
    const { lower, upper } = closeInterval(close, ret, volH, hp.interval);
    cols.return[r] = ret;
    cols.prediction[r] = close * Math.exp(ret);
    cols.lower[r] = lower;
    cols.upper[r] = upper;
    cols.confidence[r] = directionConfidence(ret, volH, hp.confidence);
    cols.std[r] = spread(memberCloses);
  }

  async dispose(): Promise<void> {
    for (const h of PRICE_HORIZONS) for (const m of ENSEMBLE_MEMBERS) await this.sessions[h][m].release();
  }
}

function emptyColumns(rows: number): HorizonColumns {
  const col = (): Float64Array => new Float64Array(rows).fill(NaN);
  return {
    prediction: col(),
    return: col(),
    lower: col(),
    upper: col(),
    confidence: col(),
    std: col(),
    memberReturns: { xgboost: col(), hist_gbdt: col(), random_forest: col() },
  };
}

/** Loads price-ensemble.json and the 12 models; refuses a model trained on another feature schema. */
export async function loadPriceEnsemble(
  read: ArtifactReader,
  options: LoadPriceEnsembleOptions,
): Promise<PriceEnsemble> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await read(PARAMS_FILE)));
  } catch (err) {
    if (err instanceof PriceEnsembleLoadError) throw err;
    throw new PriceEnsembleLoadError(`${PARAMS_FILE}: ${oneLine(err)}`);
  }
  const params = parsePriceEnsembleParams(json);
  const engineHash = options.schemaHash ?? featureSchemaHash();
  if (params.feature_schema_hash !== engineHash) {
    throw new PriceEnsembleLoadError(
      `price ensemble ${params.version} was trained on feature schema ${params.feature_schema_hash}, but this engine's schema is ${engineHash}; retrain it (npm run train:ensemble)`,
    );
  }
  const names = options.featureNames ?? MODEL_FEATURE_NAMES;
  if (names.length !== params.feature_names.length || names.some((n, i) => n !== params.feature_names[i])) {
    throw new PriceEnsembleLoadError(
      `price ensemble ${params.version} lists different model features than this engine`,
    );
  }
  for (const key of ['feature', 'fallback_feature'] as const) {
    if (!names.includes(params.scale[key]))
      throw new PriceEnsembleLoadError(`price ensemble scale ${key} "${params.scale[key]}" is not a model feature`);
  }
  const sessions = {} as Record<PriceHorizon, Record<EnsembleMember, Ort.InferenceSession>>;
  for (const h of PRICE_HORIZONS) {
    sessions[h] = {} as Record<EnsembleMember, Ort.InferenceSession>;
    for (const m of ENSEMBLE_MEMBERS) {
      const file = params.horizon_models[h].files[m];
      let bytes: Uint8Array;
      try {
        bytes = await read(file);
      } catch (err) {
        throw new PriceEnsembleLoadError(`${file}: ${oneLine(err)}`);
      }
      try {
        sessions[h][m] = await options.ort.InferenceSession.create(bytes, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
        });
      } catch (err) {
        throw new PriceEnsembleLoadError(`${file}: not a loadable ONNX model (${oneLine(err)})`);
      }
      if (!sessions[h][m].inputNames.includes(params.input.name)) {
        throw new PriceEnsembleLoadError(`${file}: has no input "${params.input.name}"`);
      }
    }
  }
  const ensemble = new PriceEnsemble(params, options.ort, sessions, options.backendLabel ?? 'wasm');
  try {
    await ensemble.runAll(new Float32Array(ensemble.featureCount), 1);
  } catch (err) {
    throw new PriceEnsembleLoadError(
      `price ensemble models do not accept ${ensemble.featureCount} features (${oneLine(err)})`,
    );
  }
  return ensemble;
}
