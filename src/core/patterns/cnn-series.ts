import type { CandleColumns } from '../candles/candle';
import { PATTERN_NAMES } from './names';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from './window';

/** Rows per CNN call: big enough for throughput, small enough to report progress and let the thread breathe. */
export const CNN_CHUNK = 4096;

/** What cnnSeries needs of the pattern CNN (src/core/models/pattern-cnn.ts satisfies it). */
export interface WindowPredictor {
  predict(windows: Float32Array, batch: number): Promise<Float32Array>;
}

/**
 * The pattern CNN over every candle of a series: the probabilities of the 20-candle window ending at each candle,
 * row-major [candles x PATTERN_NAMES], NaN before the first full window. Computed in chunks of CNN_CHUNK windows,
 * calling `progress` with the fraction done after each. The backtest scores every candle with it, and a stream
 * marks the candles that closed before a chart opened with it, so both see what the live pipeline sees.
 */
export async function cnnSeries(
  cnn: WindowPredictor,
  cols: CandleColumns,
  progress: (fraction: number) => void = () => undefined,
): Promise<Float32Array> {
  const n = cols.close.length;
  const k = PATTERN_NAMES.length;
  const out = new Float32Array(n * k).fill(NaN);
  const windows = new Float32Array(Math.min(CNN_CHUNK, Math.max(0, n - WINDOW_LENGTH + 1)) * WINDOW_SIZE);
  for (let start = WINDOW_LENGTH - 1; start < n; start += CNN_CHUNK) {
    const b = Math.min(CNN_CHUNK, n - start);
    for (let r = 0; r < b; r++) writeWindow(cols, start + r, windows, r * WINDOW_SIZE);
    out.set(await cnn.predict(windows.subarray(0, b * WINDOW_SIZE), b), start * k);
    progress(Math.min(1, (start + b) / n));
  }
  return out;
}
