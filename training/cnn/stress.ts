import type { CandleColumns } from '../../src/core/candles/candle';
import { mulberry32, normalFrom } from '../../src/core/util/random';

/**
 * Market-style transforms of real candles that mimic venues unlike Binance spot, for training augmentation and
 * for the stress evaluation sets (issue 17). The rules label the transformed candles again, so labels stay exact.
 *
 * - `gapOpens`: opens that gap away from the previous close (FX, stocks, thin books). Each candle is shifted as a
 *   whole (open, high, low, close) by its own offset, so a candle keeps its shape while `open - previous close`
 *   changes by the difference of two offsets; offsets do not accumulate, so prices never drift.
 * - `coarseTicks`: a coarse price grid (large tick relative to the candle range): every price is rounded to the
 *   grid, which makes flat bodies, equal highs/lows and opens equal to closes common.
 */

/** A number drawn uniformly from `[lo, hi]` with `rand`. */
export function within([lo, hi]: readonly [number, number], rand: () => number): number {
  return lo + (hi - lo) * rand();
}

/** Mean high-low range of the (up to) `span` candles ending at each candle: the local price scale. */
export function localRange(cols: CandleColumns, span = 20): Float64Array {
  const n = cols.close.length;
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += cols.high[i]! - cols.low[i]!;
    if (i >= span) sum -= cols.high[i - span]! - cols.low[i - span]!;
    const r = sum / Math.min(i + 1, span);
    out[i] = r > 0 ? r : Math.abs(cols.close[i]!) * 1e-4;
  }
  return out;
}

function copyColumns(cols: CandleColumns): CandleColumns {
  return {
    time: cols.time,
    open: cols.open.slice(),
    high: cols.high.slice(),
    low: cols.low.slice(),
    close: cols.close.slice(),
    volume: cols.volume,
  };
}

export interface GapOptions {
  /** Chance that a candle is shifted. */
  probability: number;
  /** Offset scale (standard deviation) in units of the local mean range. */
  scale: number;
}

/** Shifts candles `[from, to)` of `cols` in place (see the module comment). */
function shiftCandles(
  cols: CandleColumns,
  range: Float64Array,
  from: number,
  to: number,
  g: GapOptions,
  rand: () => number,
  normal: () => number,
): void {
  for (let i = from; i < to; i++) {
    if (rand() >= g.probability) continue;
    // Never let a shift take the low to or below zero.
    const d = Math.max(g.scale * range[i]! * normal(), -0.5 * cols.low[i]!);
    cols.open[i]! += d;
    cols.high[i]! += d;
    cols.low[i]! += d;
    cols.close[i]! += d;
  }
}

/** Rounds prices of candles `[from, to)` in place to multiples of `tick` (monotone, so high >= open/close >= low holds). */
function roundCandles(cols: CandleColumns, from: number, to: number, tick: number): void {
  const snap = (p: number) => Math.max(tick, Math.round(p / tick) * tick);
  for (let i = from; i < to; i++) {
    cols.open[i] = snap(cols.open[i]!);
    cols.high[i] = snap(cols.high[i]!);
    cols.low[i] = snap(cols.low[i]!);
    cols.close[i] = snap(cols.close[i]!);
  }
}

/** Median of the local ranges of candles `[from, to)`. */
function medianRange(range: Float64Array, from: number, to: number): number {
  const part = Array.from(range.subarray(from, to)).sort((a, b) => a - b);
  return part[Math.floor(part.length / 2)] ?? 0;
}

export function gapOpens(cols: CandleColumns, g: GapOptions, seed: number): CandleColumns {
  const out = copyColumns(cols);
  const rand = mulberry32(seed);
  shiftCandles(out, localRange(cols), 0, cols.close.length, g, rand, normalFrom(rand));
  return out;
}

/** Rounds every price to a grid of `fraction` x the median local range, in blocks of `block` candles. */
export function coarseTicks(cols: CandleColumns, fraction: number, block = 2000): CandleColumns {
  const out = copyColumns(cols);
  const range = localRange(cols);
  for (let from = 0; from < cols.close.length; from += block) {
    const to = Math.min(cols.close.length, from + block);
    const tick = fraction * medianRange(range, from, to);
    if (tick > 0) roundCandles(out, from, to, tick);
  }
  return out;
}

/** What one block of a stressed copy gets: gapped opens, a coarse grid, or both. */
export type StressKind = 'gap' | 'coarse' | 'both';
const ALL_KINDS: readonly StressKind[] = ['gap', 'coarse', 'both'];

export interface StressMixOptions {
  block: number;
  /** The kinds a block is drawn from, uniformly (default all three). */
  kinds?: readonly StressKind[];
  gap: { probability: readonly [number, number]; scale: readonly [number, number] };
  /** Tick as a fraction of the block's median range, drawn log-uniformly in this interval. */
  tickFraction: readonly [number, number];
}

/**
 * The training mixture: blocks of `block` candles, each one gapped, coarse-ticked or both (drawn uniformly from
 * `kinds`, a third each by default), with the gap probability/scale and the tick drawn per block, so the network
 * sees a spread of markets.
 */
export function stressMix(cols: CandleColumns, o: StressMixOptions, seed: number): CandleColumns {
  const out = copyColumns(cols);
  const range = localRange(cols);
  const rand = mulberry32(seed);
  const normal = normalFrom(rand);
  for (let from = 0; from < cols.close.length; from += o.block) {
    const to = Math.min(cols.close.length, from + o.block);
    const kinds = o.kinds ?? ALL_KINDS;
    const kind = kinds[Math.floor(rand() * kinds.length)]!;
    if (kind !== 'coarse') {
      shiftCandles(
        out,
        range,
        from,
        to,
        { probability: within(o.gap.probability, rand), scale: within(o.gap.scale, rand) },
        rand,
        normal,
      );
    }
    if (kind !== 'gap') {
      const [lo, hi] = o.tickFraction;
      const fraction = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rand());
      const tick = fraction * medianRange(range, from, to);
      if (tick > 0) roundCandles(out, from, to, tick);
    }
  }
  return out;
}
