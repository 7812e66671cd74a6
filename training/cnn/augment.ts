import type { CandleColumns } from '../../src/core/candles/candle';
import { PATTERN_NAMES } from '../../src/core/patterns/names';
import { WINDOW_LENGTH } from '../../src/core/patterns/window';
import { mulberry32, normalFrom } from '../../src/core/util/random';
import type { LabelFn } from './data';
import { within } from './stress';
import { packLabels } from './data';
import type { Source, WindowSet } from './dataset';

const K = PATTERN_NAMES.length;

export interface AugmentConfig {
  /** Patterns with fewer training windows than this get perturbed copies of their windows. */
  rareBelow: number;
  /** Aim for about this many perturbed windows per rare pattern ... */
  targetPerPattern: number;
  /** ... with at most this many copies of one window. */
  maxCopies: number;
  /** Noise scale in units of the window's mean candle range. */
  noise: number;
  /** Share of the copies made by shifting whole candles instead (gapped opens, see below); default 0. */
  gapShare?: number;
  /** Gapped copies: chance that a candle is shifted and the shift's scale (mean ranges), drawn per copy. */
  gap?: { probability: readonly [number, number]; scale: readonly [number, number] };
}

/** Smallest positive step between consecutive closes: the price grid (tick) the perturbed prices snap to. */
function tickOf(cols: CandleColumns): number {
  let tick = Infinity;
  for (let i = 1; i < cols.close.length; i++) {
    const d = Math.abs(cols.close[i]! - cols.close[i - 1]!);
    if (d > 0 && d < tick) tick = d;
  }
  return Number.isFinite(tick) ? tick : 0;
}

/**
 * Perturbed copies of the training windows of rare patterns, labelled again by the rules (so every label is
 * exact; many copies fall just outside the pattern and become the near-miss negatives the rare classes lack).
 * Each copy is one 20-candle segment: closes, highs, lows and opens move by Gaussian noise (`noise` x the
 * segment's mean range) and snap to the file's price grid, while the ties real exchange data is full of are
 * kept: an open equal to the previous close stays equal to the (perturbed) previous close, and a high/low
 * equal to the body's top/bottom stays there. A `gapShare` of the copies is made the other way: each candle keeps
 * its shape and is shifted as a whole by its own offset (on the grid), with the chance and scale of `gap`, so its
 * open gaps from the previous close as on FX and thin venues (stress.ts `gapOpens`, applied to one window): the
 * positives with an open inside or near the previous body but off its close, and the near misses an open too far
 * away makes. The copies of one source form one synthetic source whose training windows are exactly the segments.
 */
export function perturbedSources(
  train: WindowSet,
  trainLabels: Uint8Array,
  labelFn: LabelFn,
  config: AugmentConfig,
  seed: number,
): Source[] {
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < trainLabels.length; i++) counts[i % K]! += trainLabels[i]!;
  const copiesOf = counts.map((c) =>
    c > 0 && c < config.rareBelow ? Math.min(config.maxCopies, Math.ceil(config.targetPerPattern / c)) : 0,
  );
  const rand = mulberry32(seed);
  const normal = normalFrom(rand);
  const perSource = new Map<number, number[]>(); // source index -> [end, copies, end, copies, ...]
  for (let r = 0; r < train.n; r++) {
    let copies = 0;
    for (let j = 0; j < K; j++) if (trainLabels[r * K + j]) copies = Math.max(copies, copiesOf[j]!);
    if (copies === 0) continue;
    const list = perSource.get(train.src[r]!) ?? [];
    list.push(train.end[r]!, copies);
    perSource.set(train.src[r]!, list);
  }
  const out: Source[] = [];
  for (const [k, list] of [...perSource.entries()].sort((a, b) => a[0] - b[0])) {
    const base = train.sources[k]!;
    const b = base.cols;
    const tick = tickOf(b);
    const snap = (p: number) => (tick > 0 ? Math.round(p / tick) * tick : p);
    let segments = 0;
    for (let i = 1; i < list.length; i += 2) segments += list[i]!;
    const n = segments * WINDOW_LENGTH;
    const cols: CandleColumns = {
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
    let o = 0;
    for (let i = 0; i < list.length; i += 2) {
      const end = list[i]!;
      const start = end - WINDOW_LENGTH + 1;
      let range = 0;
      for (let t = start; t <= end; t++) range += b.high[t]! - b.low[t]!;
      const meanRange = range / WINDOW_LENGTH;
      const sigma = config.noise * meanRange;
      for (let c = 0; c < list[i + 1]!; c++) {
        if (config.gap && rand() < (config.gapShare ?? 0)) {
          const probability = within(config.gap.probability, rand);
          const scale = within(config.gap.scale, rand) * meanRange;
          for (let t = start; t <= end; t++, o++) {
            // Never let a shift take the low to or below zero (as stress.ts).
            const d = rand() < probability ? Math.max(snap(scale * normal()), -0.5 * b.low[t]!) : 0;
            cols.time[o] = o;
            cols.open[o] = b.open[t]! + d;
            cols.high[o] = b.high[t]! + d;
            cols.low[o] = b.low[t]! + d;
            cols.close[o] = b.close[t]! + d;
            cols.volume[o] = b.volume[t]!;
          }
          continue;
        }
        for (let t = start; t <= end; t++, o++) {
          const close = snap(b.close[t]! + sigma * normal());
          const open =
            t > start && b.open[t] === b.close[t - 1] ? cols.close[o - 1]! : snap(b.open[t]! + sigma * normal());
          const top = Math.max(open, close);
          const bottom = Math.min(open, close);
          const high =
            b.high[t] === Math.max(b.open[t]!, b.close[t]!) ? top : Math.max(top, snap(b.high[t]! + sigma * normal()));
          const low =
            b.low[t] === Math.min(b.open[t]!, b.close[t]!)
              ? bottom
              : Math.min(bottom, snap(b.low[t]! + sigma * normal()));
          cols.time[o] = o;
          cols.open[o] = open;
          cols.high[o] = high;
          cols.low[o] = low;
          cols.close[o] = close;
          cols.volume[o] = b.volume[t]!;
        }
      }
    }
    const trainEnds = new Int32Array(segments);
    for (let s = 0; s < segments; s++) trainEnds[s] = s * WINDOW_LENGTH + WINDOW_LENGTH - 1;
    out.push({
      file: `${base.file} (perturbed)`,
      mirrored: base.mirrored,
      cols,
      labels: packLabels(labelFn(cols), n),
      trainEnds,
    });
  }
  return out;
}
