import type { CandleColumns } from '../../candles/candle';
import { checkEngineCandle } from '../candle-check';
import { NF, TECHNICAL } from '../columns';
import { MODEL_FEATURE_INDICES, MODEL_FEATURE_NAMES } from '../registry';
import { candleGeometry, logReturns, returnsAndLags, sequences } from './candles';
import { BatchContext } from './context';
import { garchColumns, garchRatio, market } from './market';
import { movingAverages, oscillators, rangesAndBands, returnMoments, volumeFlow } from './technical';

const NM = MODEL_FEATURE_NAMES.length;
const MODEL_IDX = MODEL_FEATURE_INDICES.slice();

/**
 * Throws the streaming engine's RangeError for the first candle it would reject (same condition, same
 * message), before anything is computed.
 */
export function validate(cols: CandleColumns): void {
  const { open, high, low, close, volume } = cols;
  const rows = close.length;
  if (open.length !== rows || high.length !== rows || low.length !== rows || volume.length !== rows) {
    throw new RangeError(
      `candle columns differ in length: open ${open.length} high ${high.length} low ${low.length} close ${rows} volume ${volume.length}`,
    );
  }
  for (let i = 0; i < rows; i++) checkEngineCandle(open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
}

/**
 * The groups that need only the candles: moving averages, volume flow, oscillators and GARCH. The parallel
 * batch (parallel-node.ts) runs them on a second thread beside `mainGroups`; there GARCH gets its own copy of
 * the log returns, while one thread passes log_ret_1's column (already filled by `mainGroups`).
 */
export function sideGroups(ctx: BatchContext, logRet?: Float64Array): void {
  movingAverages(ctx);
  volumeFlow(ctx);
  oscillators(ctx);
  if (logRet) {
    garchColumns(ctx, logRet);
  } else {
    const own = ctx.take();
    logReturns(ctx.close, own);
    garchColumns(ctx, own);
    ctx.give(own);
  }
}

/** Every other group except garch_vol_ratio (which needs both halves: `garchRatio` after both). */
export function mainGroups(ctx: BatchContext): void {
  candleGeometry(ctx);
  returnsAndLags(ctx);
  rangesAndBands(ctx);
  returnMoments(ctx);
  sequences(ctx);
  market(ctx);
}

/** Fills `columns` (one per FEATURES entry, each cols.close.length long) group by group. */
function computeInto(cols: CandleColumns, columns: readonly Float64Array[]): void {
  const ctx = new BatchContext(cols.open, cols.high, cols.low, cols.close, cols.volume, columns);
  mainGroups(ctx);
  sideGroups(ctx, ctx.col(TECHNICAL.logRet1));
  garchRatio(ctx);
}

/** Views of one column per FEATURES entry, `rows` long, laid end to end in `buffer`. */
export function featureColumns(buffer: ArrayBufferLike, rows: number): Float64Array[] {
  const columns: Float64Array[] = new Array<Float64Array>(NF);
  for (let f = 0; f < NF; f++) columns[f] = new Float64Array(buffer, f * rows * 8, rows);
  return columns;
}

/**
 * Batch mode: one Float64Array column per FEATURES entry (NaN = empty), views into one buffer. Each feature
 * group runs in its own loops over the columns with the streaming kernels' batch twins (same operations in
 * the same order), so the values equal FeatureEngine.update's bit for bit. Invalid candles throw the
 * streaming engine's RangeError before anything is computed.
 */
export function computeFeatures(cols: CandleColumns): Float64Array[] {
  validate(cols);
  const rows = cols.close.length;
  const columns = featureColumns(new ArrayBuffer(NF * rows * 8), rows);
  computeInto(cols, columns);
  return columns;
}

const BLOCK = 256;

/** Row-major [rows x MODEL_FEATURE_NAMES.length] model inputs (NaN = missing) for training and inference. */
export function modelFeatureMatrix(cols: CandleColumns): {
  names: readonly string[];
  rows: number;
  values: Float64Array;
} {
  return modelMatrixOf(computeFeatures(cols));
}

/** The model inputs of feature columns already computed (`computeFeatures`), row-major. */
export function modelMatrixOf(columns: readonly Float64Array[]): {
  names: readonly string[];
  rows: number;
  values: Float64Array;
} {
  const rows = columns[0]?.length ?? 0;
  const values = new Float64Array(rows * NM);
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let j = 0; j < NM; j++) {
      const col = columns[MODEL_IDX[j]!]!;
      for (let i = start, k = start * NM + j; i < end; i++, k += NM) values[k] = col[i]!;
    }
  }
  return { names: MODEL_FEATURE_NAMES, rows, values };
}
