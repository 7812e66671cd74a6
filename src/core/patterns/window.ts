import type { CandleColumns } from '../candles/candle';

/**
 * Normalised OHLCV windows: the input of the pattern CNN, shared by training and inference.
 *
 * A window is the `WINDOW_LENGTH` consecutive candles ending at (and including) candle `end`; it is
 * laid out row-major as `[WINDOW_LENGTH, WINDOW_FEATURES]` with the features `open, high, low,
 * close, volume` of each candle, oldest candle first.
 *
 * Normalisation (version `WINDOW_NORMALIZATION`), scale-free by construction:
 * - `ref` = close of the last candle; `scale` = mean of `high - low` over the window.
 * - open/high/low/close -> `(price - ref) / scale`: the last close maps to 0 and one unit is the
 *   window's average candle range. Multiplying every price by a constant leaves the window unchanged,
 *   and every comparison between bodies, shadows and ranges (what the TA-Lib candle settings test)
 *   stays a linear comparison in these units.
 * - When the window has no range at all (`scale == 0`: every candle is a single price), `scale`
 *   falls back to `ref * FLAT_SCALE_FRACTION`, still proportional to price.
 * - Tie margin on the open (candles 2..20 of the window): the open is moved by `OPEN_GAP_MARGIN` in the
 *   direction of its gap to the previous close, `+ OPEN_GAP_MARGIN * sign(open - previous close)`. On
 *   exchanges the open usually equals the previous close or differs by a tick, and the TA-Lib rules
 *   flip on exactly that (engulfing's `open < close[-1]` vs `<=`, harami's strict containment, the star
 *   patterns' real-body gaps). A one-tick gap is ~1e-4 of a candle range, far below what a network can
 *   resolve; with the margin, "equal", "a tick above" and "a tick below" are 0.1 range apart, while the
 *   exact open stays recoverable (no encoded gap lies strictly between 0 and the margin).
 * - Range margin on the open (candles 2..20): a further `OPEN_RANGE_MARGIN` up when the open lies strictly above
 *   the previous high, down when strictly below the previous low. Piercing line (`open < low[-1]`) and dark
 *   cloud cover (`open > high[-1]`) flip on whether the open leaves the previous candle's range, again usually by
 *   one tick; with this margin an open a tick outside the previous range sits a full margin further out than an
 *   open equal to the previous high or low.
 * - volume -> `log1p(volume / meanVolume)` with `meanVolume` the window's mean volume (0 when the
 *   window has no volume), so volume is scale-free too.
 * - Every value is clipped to `[-WINDOW_CLIP, WINDOW_CLIP]` so extreme candles cannot blow up
 *   activations.
 */
export const WINDOW_LENGTH = 20;
export const WINDOW_FEATURES = 5;
export const WINDOW_SIZE = WINDOW_LENGTH * WINDOW_FEATURES;
export const WINDOW_NORMALIZATION =
  'ohlc-minus-last-close-over-mean-range+open-gap-margin-0.1+open-range-margin-0.1+log1p-relative-volume/v3';
/** Shift of the open in the direction of its gap to the previous close, in mean ranges (see above). */
export const OPEN_GAP_MARGIN = 0.1;
/** Further shift of an open outside the previous candle's high-low range, in mean ranges (see above). */
export const OPEN_RANGE_MARGIN = 0.1;
export const WINDOW_CLIP = 50;
const FLAT_SCALE_FRACTION = 1e-6;

function clip(v: number): number {
  return v > WINDOW_CLIP ? WINDOW_CLIP : v < -WINDOW_CLIP ? -WINDOW_CLIP : v;
}

/**
 * Writes the normalised window ending at candle `end` into `out` starting at `offset`.
 * Throws when fewer than `WINDOW_LENGTH` candles end at `end`.
 */
export function writeWindow(cols: CandleColumns, end: number, out: Float32Array, offset = 0): void {
  const start = end - WINDOW_LENGTH + 1;
  if (start < 0 || end >= cols.close.length) {
    throw new RangeError(`window ending at candle ${end} needs candles ${start}..${end} of ${cols.close.length}`);
  }
  const ref = cols.close[end]!;
  let rangeSum = 0;
  let volumeSum = 0;
  for (let i = start; i <= end; i++) {
    rangeSum += cols.high[i]! - cols.low[i]!;
    volumeSum += cols.volume[i]!;
  }
  let scale = rangeSum / WINDOW_LENGTH;
  if (!(scale > 0)) scale = Math.abs(ref) * FLAT_SCALE_FRACTION || 1;
  const meanVolume = volumeSum / WINDOW_LENGTH;
  let o = offset;
  for (let i = start; i <= end; i++) {
    const open = cols.open[i]!;
    let margin = 0;
    if (i > start) {
      margin = OPEN_GAP_MARGIN * Math.sign(open - cols.close[i - 1]!);
      if (open > cols.high[i - 1]!) margin += OPEN_RANGE_MARGIN;
      else if (open < cols.low[i - 1]!) margin -= OPEN_RANGE_MARGIN;
    }
    out[o++] = clip((open - ref) / scale + margin);
    out[o++] = clip((cols.high[i]! - ref) / scale);
    out[o++] = clip((cols.low[i]! - ref) / scale);
    out[o++] = clip((cols.close[i]! - ref) / scale);
    out[o++] = meanVolume > 0 ? clip(Math.log1p(cols.volume[i]! / meanVolume)) : 0;
  }
}

/** The windows ending at each index of `ends`, packed as `[ends.length, WINDOW_LENGTH, WINDOW_FEATURES]`. */
export function buildWindows(cols: CandleColumns, ends: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ends.length * WINDOW_SIZE);
  for (let k = 0; k < ends.length; k++) writeWindow(cols, ends[k]!, out, k * WINDOW_SIZE);
  return out;
}
