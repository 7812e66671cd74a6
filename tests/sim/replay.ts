import type { Candle } from '../../src/core/candles/candle';
import { timeframeMs, type Timeframe } from '../../src/core/candles/timeframe';

/** One step of the replay: an update of the forming candle; `closed` on its last step. */
export interface ReplayStep {
  index: number;
  step: number;
  candle: Candle;
  closed: boolean;
  /** Virtual time of this update (ms). */
  time: number;
  /** Price and size of the trade that produced this update (for trade-stream protocols). */
  trade: { price: number; size: number } | null;
}

/**
 * Replays real candles on a virtual clock. Each candle is shown as `steps` updates: the first `steps - 1` are
 * prefixes of a plausible intra-candle path (open -> low -> high -> close for a rising candle, open -> high ->
 * low -> close for a falling one) with proportional volume, the last is the candle itself (exact source values).
 * REST views see every finished candle plus the forming one as of the last step.
 */
export class Replay {
  readonly tfMs: number;
  /** Index of the candle being formed and the number of its updates shown so far (0..steps). */
  index: number;
  step = 0;

  constructor(
    readonly candles: readonly Candle[],
    readonly timeframe: Timeframe,
    readonly steps: number,
    startIndex: number,
  ) {
    if (steps < 2) throw new Error('replay needs at least 2 steps per candle');
    this.tfMs = timeframeMs(timeframe);
    this.index = Math.max(0, Math.min(startIndex, candles.length));
  }

  get done(): boolean {
    return this.index >= this.candles.length || (this.index === this.candles.length - 1 && this.step === this.steps);
  }

  /** Virtual now: inside the forming candle, proportional to the steps shown. */
  now(): number {
    if (this.index >= this.candles.length) {
      const last = this.candles[this.candles.length - 1];
      return last ? last.time + this.tfMs : 0;
    }
    return this.candles[this.index]!.time + Math.floor((this.step / this.steps) * this.tfMs);
  }

  advance(): ReplayStep | null {
    if (this.index >= this.candles.length) return null;
    if (this.step === this.steps) {
      if (this.index === this.candles.length - 1) return null;
      this.index++;
      this.step = 0;
    }
    this.step++;
    const src = this.candles[this.index]!;
    const closed = this.step === this.steps;
    const candle = closed ? src : partial(src, this.step, this.steps);
    const path = pathOf(src);
    const tradeSize =
      src.volume === 0
        ? 0
        : closed
          ? src.volume - (src.volume * (this.steps - 1)) / this.steps
          : src.volume / this.steps;
    return {
      index: this.index,
      step: this.step,
      candle,
      closed,
      time: this.now(),
      trade: src.volume === 0 ? null : { price: path[Math.min(this.step, 4) - 1]!, size: Math.max(tradeSize, 0) },
    };
  }

  /** Rows a REST API would return now: finished candles and the forming one (if it has started). */
  visible(): { rows: Candle[]; formingIndex: number | null } {
    const finished = this.step === this.steps ? this.index + 1 : this.index;
    const rows = this.candles.slice(0, Math.min(finished, this.candles.length));
    if (this.step > 0 && this.step < this.steps && this.index < this.candles.length) {
      rows.push(partial(this.candles[this.index]!, this.step, this.steps));
      return { rows, formingIndex: rows.length - 1 };
    }
    return { rows, formingIndex: null };
  }

  /** Open time of the newest finished candle, or null. */
  lastFinishedTime(): number | null {
    const finished = this.step === this.steps ? this.index : this.index - 1;
    return finished >= 0 && finished < this.candles.length ? this.candles[finished]!.time : null;
  }
}

/** The four path points of a candle: open, first extreme, second extreme, close. */
function pathOf(c: Candle): [number, number, number, number] {
  return c.close >= c.open ? [c.open, c.low, c.high, c.close] : [c.open, c.high, c.low, c.close];
}

/** The candle as it looked after `step` of `steps` updates (step < steps). */
export function partial(c: Candle, step: number, steps: number): Candle {
  const path = pathOf(c);
  const seen = path.slice(0, Math.min(step, 3));
  const close = seen[seen.length - 1]!;
  return {
    time: c.time,
    open: c.open,
    high: Math.max(...seen),
    low: Math.min(...seen),
    close,
    volume: (c.volume * step) / steps,
  };
}
