import type * as Ort from 'onnxruntime-web';
import { parseTimeframe, timeframeMs } from '../candles/timeframe';
import { AdaptiveCalibration } from './price-adaptive';
import { spread } from './price-calibration';
import { OodScorer, volatilityLevel, type OodResult } from './price-ood';
import {
  PRICE_INPUT_NAMES,
  priceInputMatrix,
  logReturn5Column,
  logReturn5Of,
  priceInputs,
  priceInputSchemaHash,
  sigmaColumn,
  sigmaOf,
} from './price-inputs';
import {
  ENSEMBLE_MEMBERS,
  parsePriceEnsembleParams,
  PRICE_HORIZONS,
  PriceEnsembleLoadError,
  type AbstainReason,
  type EnsembleMember,
  type HorizonPrediction,
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
 * (price-ensemble-browser.ts), Node gives `onnxruntime-web` (price-ensemble-node.ts). Artifacts come from a reader, so
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
  /** Schema hash of the price inputs; defaults to priceInputSchemaHash(). */
  schemaHash?: string;
  /** Input order the caller provides; defaults to PRICE_INPUT_NAMES. */
  featureNames?: readonly string[];
  /** Backend label reported in status (the execution provider is wasm). */
  backendLabel?: string;
}

/** One horizon of SPEC §2 `price_predictions` (the Insight's type); `models` holds each member's predicted close. */
export type { HorizonPrediction };

export type PricePrediction = Record<PriceHorizon, HorizonPrediction>;

/** Column results of a batch; NaN in rows that are not predictable (warm-up). */
export interface HorizonColumns {
  prediction: Float64Array;
  return: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  confidence: Float64Array;
  std: Float64Array;
  /** 1 = claimed, 0 = abstained, NaN = warm-up. */
  skill: Float64Array;
  /** Each member's predicted log return (shrunk like the ensemble, before any abstention). */
  memberReturns: Record<EnsembleMember, Float64Array>;
}

export interface PriceBatch {
  rows: number;
  /** 1 where the row is past warm-up and was predicted. */
  predictable: Uint8Array;
  horizons: Record<PriceHorizon, HorizonColumns>;
  /** Dissimilarity score and flag (1 = out of distribution); NaN during warm-up. */
  ood: Float64Array;
  oodFlag: Float64Array;
}

/** One candle's served output. */
export interface PriceOutput {
  predictions: Record<PriceHorizon, HorizonPrediction>;
  ood: OodResult;
}

const CHUNK_ROWS = 8192;

interface RawRows {
  /**
   * Member z outputs per horizon, for the predictable rows in order; only the horizons of `treeHorizons` (the
   * others' shrink is 0, so their trees' outputs would be multiplied by 0).
   */
  z: Partial<Record<PriceHorizon, Record<EnsembleMember, Float32Array>>>;
}

export class PriceEnsemble {
  readonly featureCount: number;
  private readonly requiredIndices: Int32Array;
  readonly ood: OodScorer;

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
      if (!params.optional_inputs.includes(n)) required.push(i);
    });
    this.requiredIndices = Int32Array.from(required);
    this.ood = new OodScorer(params.ood, names);
  }

  get version(): string {
    return this.params.version;
  }

  /** A row is predictable once every non-optional input is finite (warm-up over). */
  isPredictable(inputs: ArrayLike<number>, offset = 0): boolean {
    for (let k = 0; k < this.requiredIndices.length; k++) {
      if (!Number.isFinite(inputs[offset + this.requiredIndices[k]!]!)) return false;
    }
    return true;
  }

  /** Does the walk-forward evaluation claim skill for this timeframe and horizon? */
  claims(timeframe: string, h: PriceHorizon): boolean {
    const weight = (this.params.shrink[timeframe]?.[h] ?? 0) + (this.params.reversal_weight[timeframe]?.[h] ?? 0);
    return this.params.claims[timeframe]?.[h] === true && weight > 0;
  }

  /** The horizons claimed for a timeframe (empty for a timeframe never validated). */
  claimedHorizons(timeframe: string): PriceHorizon[] {
    return PRICE_HORIZONS.filter((h) => this.claims(timeframe, h));
  }

  /**
   * The horizons whose trees a timeframe's forecast reads: those with a nonzero shrink. Where the shrink is 0
   * the forecast is the reversal prior alone (every member's z enters multiplied by 0), so the trees need not run.
   */
  treeHorizons(timeframe: string): PriceHorizon[] {
    return PRICE_HORIZONS.filter((h) => (this.params.shrink[timeframe]?.[h] ?? 0) !== 0);
  }

  /** A new adaptive state for one stream (see price-adaptive.ts). */
  newAdaptive(): AdaptiveCalibration {
    return new AdaptiveCalibration(this.params.horizon_models);
  }

  /**
   * Every row of a series served in order, exactly as a stream serves its candles one by one (the adaptive
   * calibration sees each outcome only once that candle has closed): `visit(row, output)` for every predictable
   * row, in row order, as soon as it is served and committed; warm-up rows are skipped. The CLI's `predict` writes
   * the outputs as columns (`predictSeries`), the backtest turns each into that candle's signals; neither keeps
   * them (50,000 retained outputs, objects keyed by horizon, cost more garbage collection than serving them).
   */
  async serveEach(
    features: ArrayLike<number>,
    rows: number,
    closes: ArrayLike<number>,
    timeframe: string,
    visit: (row: number, output: PriceOutput) => void,
    adaptive: AdaptiveCalibration = this.newAdaptive(),
  ): Promise<void> {
    const tfMinutes = timeframeMinutes(timeframe);
    const inputs = priceInputMatrix(features, rows, tfMinutes);
    const sigma = sigmaColumn(features, rows);
    const logRet5 = logReturn5Column(features, rows);
    const f = this.featureCount;
    const picked: number[] = [];
    for (let r = 0; r < rows; r++) {
      if (Number.isFinite(closes[r]!) && closes[r]! > 0 && this.isPredictable(inputs, r * f)) picked.push(r);
    }
    const trees = this.treeHorizons(timeframe);
    let k = 0;
    for (let start = 0; start < picked.length; start += CHUNK_ROWS) {
      const idx = picked.slice(start, start + CHUNK_ROWS);
      let raw: RawRows = { z: {} };
      if (trees.length > 0) {
        const input = new Float32Array(idx.length * f);
        idx.forEach((r, j) => input.set(inputs.subarray(r * f, (r + 1) * f), j * f));
        raw = { z: await this.runHorizons(input, idx.length, trees) };
      }
      // rows between picked ones (warm-up) still close candles
      for (let j = 0; j < idx.length; j++) {
        const r = idx[j]!;
        while (k < r) adaptive.observeClose(closes[k++]!);
        const out = this.serveRow(adaptive, raw, j, inputs, r * f, closes[r]!, sigma[r]!, logRet5[r]!, timeframe);
        adaptive.observeClose(closes[k++]!);
        this.commitRow(adaptive, out, closes[r]!, sigma[r]!);
        visit(r, out);
      }
    }
    while (k < rows) adaptive.observeClose(closes[k++]!);
  }

  /** `serveEach` as columns (SPEC §6 `predict`): NaN in warm-up rows. */
  async predictSeries(
    features: ArrayLike<number>,
    rows: number,
    closes: ArrayLike<number>,
    timeframe: string,
    adaptive: AdaptiveCalibration = this.newAdaptive(),
  ): Promise<PriceBatch> {
    const batch = emptyBatch(rows);
    const write = (r: number, out: PriceOutput): void => {
      batch.predictable[r] = 1;
      writeRow(batch, r, out);
    };
    await this.serveEach(features, rows, closes, timeframe, write, adaptive);
    return batch;
  }

  /** One stream's predictor (the worker and `candlecast insights`); see PriceStream. */
  stream(timeframe: string): PriceStream {
    return new PriceStream(this, timeframe);
  }

  /** @internal serve one predictable row from raw member outputs (row j of `raw`). */
  serveRow(
    adaptive: AdaptiveCalibration,
    raw: RawRows,
    j: number,
    inputs: ArrayLike<number>,
    offset: number,
    close: number,
    sigma: number,
    logRet5: number,
    timeframe: string,
  ): PriceOutput {
    const ood = this.ood.evaluate(inputs, offset, volatilityLevel(sigma, timeframe));
    const w = this.params.weights;
    const predictions = {} as Record<PriceHorizon, HorizonPrediction>;
    for (const h of PRICE_HORIZONS) {
      const volH = sigma * Math.sqrt(Number(h));
      const shrink = this.params.shrink[timeframe]?.[h] ?? 0;
      // the reversal prior b (-r5_z sqrt(5/h)) sigma sqrt(h) = -b ln(close_t / close_t-5), plus the members' z
      // (weights fitted on out-of-fold predictions; train.py)
      const prior = -(this.params.reversal_weight[timeframe]?.[h] ?? 0) * logRet5;
      const tested = this.params.claims[timeframe] !== undefined;
      // with shrink 0 every z below is multiplied by 0: the trees did not run (treeHorizons), z counts as 0
      const z = shrink === 0 ? null : raw.z[h];
      if (z === undefined) throw new Error(`price ensemble h=${h}: the trees' outputs are missing`);
      let zEns = 0;
      const models = {} as Record<EnsembleMember, number>;
      const memberCloses: number[] = [];
      for (const m of ENSEMBLE_MEMBERS) {
        const zm = z ? z[m][j]! : 0;
        zEns += w[m] * zm;
        models[m] = close * Math.exp(shrink * zm * volH + prior);
        memberCloses.push(models[m]);
      }
      const ret = shrink * zEns * volH + prior;
      // a forecast of exactly no move has no direction to be right about: it abstains (same 0, and its confidence
      // would only count misses)
      const reason: AbstainReason | null = ood.flag
        ? 'out_of_distribution'
        : !this.claims(timeframe, h)
          ? tested
            ? 'no_edge'
            : 'untested_timeframe'
          : ret === 0
            ? 'no_direction'
            : null;
      const claimed = reason === null;
      const served = adaptive.serve(h, { ret, volH, claimed });
      predictions[h] = {
        prediction: claimed ? close * Math.exp(served.ret) : close,
        return: served.ret,
        lower: close * Math.exp(served.lo),
        upper: close * Math.exp(served.hi),
        confidence: served.confidence,
        std: spread(memberCloses),
        models,
        skill: claimed,
        abstain_reason: reason,
      };
    }
    return { predictions, ood };
  }

  /** @internal register what was served at a candle that has just closed. */
  commitRow(adaptive: AdaptiveCalibration, out: PriceOutput, close: number, sigma: number): void {
    for (const h of PRICE_HORIZONS) {
      const p = out.predictions[h];
      const volH = sigma * Math.sqrt(Number(h));
      adaptive.commit(
        h,
        { ret: p.return, lo: Math.log(p.lower / close), hi: Math.log(p.upper / close), confidence: p.confidence },
        close,
        volH,
        p.skill,
      );
    }
  }

  /**
   * Raw member outputs (predicted z) as onnxruntime returns them, for row-major float32 rows (the
   * precision the models were trained on). XGBoost models take them as float32 tensors; scikit-learn models as
   * float64 tensors of the same values, so they compare and accumulate in float64 like scikit-learn.
   */
  async runAll(input: Float32Array, rows: number): Promise<Record<PriceHorizon, Record<EnsembleMember, Float32Array>>> {
    return (await this.runHorizons(input, rows, PRICE_HORIZONS)) as Record<
      PriceHorizon,
      Record<EnsembleMember, Float32Array>
    >;
  }

  /** `runAll` for some horizons only (a tensor is made only for an input type some member takes). */
  async runHorizons(
    input: Float32Array,
    rows: number,
    horizons: readonly PriceHorizon[],
  ): Promise<Partial<Record<PriceHorizon, Record<EnsembleMember, Float32Array>>>> {
    const shape = [rows, this.featureCount];
    const tensors: Partial<Record<'float32' | 'float64', Ort.Tensor>> = {};
    const tensorOf = (dtype: 'float32' | 'float64'): Ort.Tensor =>
      (tensors[dtype] ??=
        dtype === 'float32'
          ? new this.ort.Tensor('float32', input, shape)
          : new this.ort.Tensor('float64', Float64Array.from(input), shape));
    const out: Partial<Record<PriceHorizon, Record<EnsembleMember, Float32Array>>> = {};
    for (const h of horizons) {
      const members = {} as Record<EnsembleMember, Float32Array>;
      out[h] = members;
      for (const m of ENSEMBLE_MEMBERS) {
        const tensor = tensorOf(this.params.horizon_models[h].input_dtypes[m]);
        const result = await this.sessions[h][m].run({ [this.params.input.name]: tensor });
        const y = result[this.params.input.output];
        if (!y || !(y.data instanceof Float32Array) || y.data.length !== rows) {
          throw new Error(`price ensemble ${m} h=${h}: unexpected output`);
        }
        members[m] = y.data;
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const h of PRICE_HORIZONS) for (const m of ENSEMBLE_MEMBERS) await this.sessions[h][m].release();
  }
}

/** Why a stream's prediction is missing. */
export type PriceUnavailable = { warmup: true; reason: string };

/**
 * One stream's predictor. The owner calls `closed(features, close)` for every candle that closed (its final
 * engine model features) and `predict(features, close)` for the current candle. Closed candles are served,
 * closed and committed in order exactly as `predictSeries` does row by row (so a stream and the CLI give the
 * same values); the current candle is served from the state after the last closed candle, without commit.
 */
export class PriceStream {
  private readonly adaptive: AdaptiveCalibration;
  private readonly queue: Array<{ inputs: Float32Array; sigma: number; logRet5: number; close: number }> = [];
  private readonly tfMinutes: number;
  private readonly trees: readonly PriceHorizon[];
  /** Closed candles awaiting their turn; older ones are only counted (their outcomes still adapt). */
  static readonly MAX_QUEUE = 4096;

  constructor(
    private readonly model: PriceEnsemble,
    readonly timeframe: string,
  ) {
    this.adaptive = model.newAdaptive();
    this.tfMinutes = timeframeMinutes(timeframe);
    this.trees = model.treeHorizons(timeframe);
  }

  private inputsOf(features: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.model.featureCount);
    priceInputs(features, 0, this.tfMinutes, out, 0);
    return out;
  }

  /** A candle closed with these final model features. */
  closed(features: ArrayLike<number>, close: number): void {
    if (this.queue.length >= PriceStream.MAX_QUEUE) {
      this.queue.shift();
      this.adaptive.observeClose(close);
    }
    this.queue.push({
      inputs: this.inputsOf(features),
      sigma: sigmaOf(features),
      logRet5: logReturn5Of(features),
      close,
    });
  }

  private async flush(): Promise<void> {
    const items = this.queue.splice(0);
    const f = this.model.featureCount;
    const ok = items.filter((it) => it.close > 0 && this.model.isPredictable(it.inputs));
    const input = new Float32Array(ok.length * f);
    ok.forEach((it, j) => input.set(it.inputs, j * f));
    const raw = ok.length > 0 ? { z: await this.model.runHorizons(input, ok.length, this.trees) } : null;
    let j = 0;
    for (const it of items) {
      if (raw && ok[j] === it) {
        const out = this.model.serveRow(
          this.adaptive,
          raw,
          j,
          it.inputs,
          0,
          it.close,
          it.sigma,
          it.logRet5,
          this.timeframe,
        );
        this.adaptive.observeClose(it.close);
        this.model.commitRow(this.adaptive, out, it.close, it.sigma);
        j++;
      } else {
        this.adaptive.observeClose(it.close);
      }
    }
  }

  /** The served output for the current candle, or why there is none (warm-up). */
  async predict(features: ArrayLike<number>, close: number): Promise<PriceOutput | PriceUnavailable> {
    await this.flush();
    const inputs = this.inputsOf(features);
    if (!(close > 0) || !this.model.isPredictable(inputs)) {
      return { warmup: true, reason: `warm-up: the features need more candles (${this.adaptive.candles + 1} so far)` };
    }
    const raw = { z: await this.model.runHorizons(inputs, 1, this.trees) };
    return this.model.serveRow(
      this.adaptive,
      raw,
      0,
      inputs,
      0,
      close,
      sigmaOf(features),
      logReturn5Of(features),
      this.timeframe,
    );
  }

  /** Realised coverage and adaptation state per horizon (for the live track record). */
  adaptiveState(): ReturnType<AdaptiveCalibration['snapshot']> {
    return this.adaptive.snapshot();
  }
}

function timeframeMinutes(timeframe: string): number {
  return timeframeMs(parseTimeframe(timeframe)) / 60_000;
}

function writeRow(batch: PriceBatch, r: number, out: PriceOutput): void {
  batch.ood[r] = out.ood.score;
  batch.oodFlag[r] = out.ood.flag ? 1 : 0;
  for (const h of PRICE_HORIZONS) {
    const c = batch.horizons[h];
    const p = out.predictions[h];
    c.prediction[r] = p.prediction;
    c.return[r] = p.return;
    c.lower[r] = p.lower;
    c.upper[r] = p.upper;
    c.confidence[r] = p.confidence;
    c.std[r] = p.std;
    c.skill[r] = p.skill ? 1 : 0;
    for (const m of ENSEMBLE_MEMBERS) c.memberReturns[m][r] = Math.log(p.models[m] / p.prediction) + p.return;
  }
}

function emptyBatch(rows: number): PriceBatch {
  const col = (): Float64Array => new Float64Array(rows).fill(NaN);
  const horizons = {} as Record<PriceHorizon, HorizonColumns>;
  for (const h of PRICE_HORIZONS) {
    horizons[h] = {
      prediction: col(),
      return: col(),
      lower: col(),
      upper: col(),
      confidence: col(),
      std: col(),
      skill: col(),
      memberReturns: { xgboost: col(), hist_gbdt: col(), random_forest: col() },
    };
  }
  return { rows, predictable: new Uint8Array(rows), horizons, ood: col(), oodFlag: col() };
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
  const engineHash = options.schemaHash ?? priceInputSchemaHash();
  if (params.feature_schema_hash !== engineHash) {
    throw new PriceEnsembleLoadError(
      `price ensemble ${params.version} was trained on feature schema ${params.feature_schema_hash}, but this engine's schema is ${engineHash}; retrain it (npm run train:ensemble)`,
    );
  }
  const names = options.featureNames ?? PRICE_INPUT_NAMES;
  if (names.length !== params.feature_names.length || names.some((n, i) => n !== params.feature_names[i])) {
    throw new PriceEnsembleLoadError(
      `price ensemble ${params.version} lists different model features than this engine`,
    );
  }
  for (const f of params.ood.features) {
    if (!names.includes(f)) throw new PriceEnsembleLoadError(`price ensemble OOD input "${f}" is not a price input`);
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
