import type { Candle, CandleUpdate } from '../core/candles/candle';
import { candleProblem, seriesOrderProblem } from '../core/candles/validate';

/** Replay speed in candles per second (whatever the timeframe), or 'max': as fast as the engine goes. */
export type ReplaySpeed = 1 | 10 | 100 | 'max';
export const REPLAY_SPEEDS: readonly ReplaySpeed[] = [1, 10, 100, 'max'];

export type ReplayState = 'playing' | 'paused' | 'ended';

export interface ReplayStatus {
  state: ReplayState;
  /** Candles closed so far (the index of the next candle to close). */
  position: number;
  total: number;
  speed: ReplaySpeed;
  /** Open time of the candle before `position` (the last one closed), or null at the start. */
  time: number | null;
}

/** The clock the replay runs on; tests inject a manual one. */
export interface ReplayScheduler {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: ReplayScheduler = {
  now: () => performance.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ReplayEvents {
  onCandle(update: CandleUpdate): void;
  onStatus?(status: ReplayStatus): void;
  onEnd?(): void;
  /**
   * At 'max', the next chunk waits until this resolves (the consumer has digested the previous one), so a
   * slow consumer gets steady chunks instead of a growing backlog.
   */
  ready?(): Promise<void>;
}

export interface ReplayOptions {
  speed?: ReplaySpeed;
  scheduler?: ReplayScheduler;
  /**
   * At 1 and 10 candles per second, precede each closed candle with three open updates along its OHLC path
   * (open; first extreme; second extreme) at thirds of the candle (default true). Faster speeds emit closed
   * candles only.
   */
  intraCandle?: boolean;
  /** Closed candles per event-loop turn at 'max' speed (default 500). */
  chunkSize?: number;
}

/** The replay clock gives every candle this many milliseconds at speed 1 (one candle per second). */
const CANDLE_MS = 1000;
/** Steps of one candle: 0..2 are open updates at thirds of the candle, 3 is the closed candle at its end. */
const CLOSE_STEP = 3;
const OPEN_STEPS = 3;
/** Open updates are replayed up to this speed (candles per second); faster, a candle's path is a blur. */
const INTRA_CANDLE_UP_TO = 10;
/** At timed speeds, at most this many late steps are caught up in one turn before yielding. */
const MAX_CATCH_UP = 1000;

/**
 * Replays stored or imported candles as CandleUpdate events. Speeds are candles per second, whatever the
 * timeframe (10 on 1h candles is ten hours a second) and gaps in the data are not waited out: candle i closes
 * at (i + 1) / speed seconds after the start. 'max' emits as fast as possible in chunks, yielding to the
 * event loop between them.
 */
export class ReplayFeed {
  private readonly candles: readonly Candle[];
  private readonly scheduler: ReplayScheduler;
  private readonly intraCandle: boolean;
  private readonly chunkSize: number;
  private speed: ReplaySpeed;
  private state: ReplayState = 'paused';
  /** Index of the candle being replayed and its next step. */
  private index = 0;
  private step = 0;
  /** Replay clock in milliseconds (CANDLE_MS per candle) since the first candle's open, anchored at a wall-clock instant. */
  private anchorVirtual = 0;
  private anchorWall = 0;
  private timer: unknown = null;
  /** Bumped by play/pause/seek/speed so a running emit loop notices it was interrupted. */
  private generation = 0;

  constructor(
    candles: readonly Candle[],
    private readonly events: ReplayEvents,
    options: ReplayOptions = {},
  ) {
    let prev = -Infinity;
    candles.forEach((c, i) => {
      const problem = candleProblem(c) ?? seriesOrderProblem(prev, c.time);
      if (problem) throw new Error(`replay: candle #${i} (time ${c.time}): ${problem}`);
      prev = c.time;
    });
    this.candles = candles.slice();
    this.speed = options.speed ?? 1;
    this.scheduler = options.scheduler ?? realScheduler;
    this.intraCandle = options.intraCandle ?? true;
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 500));
  }

  status(): ReplayStatus {
    const position = this.index;
    return {
      state: this.state,
      position,
      total: this.candles.length,
      speed: this.speed,
      time: position > 0 ? this.candles[position - 1]!.time : null,
    };
  }

  /** Starts or resumes; after the end, starts again from the first candle. */
  play(): void {
    if (this.state === 'playing') return;
    if (this.state === 'ended') this.moveTo(0);
    this.state = 'playing';
    this.generation++;
    this.anchorWall = this.scheduler.now();
    this.publish();
    this.schedule(0);
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.anchorVirtual = this.virtualNow();
    this.state = 'paused';
    this.generation++;
    this.cancel();
    this.publish();
  }

  /** Moves to the first candle with time >= `time` (nothing is emitted); playing continues from there. */
  seek(time: number): void {
    let lo = 0;
    let hi = this.candles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.candles[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    this.generation++;
    this.moveTo(lo);
    if (this.state === 'ended') this.state = 'paused';
    if (this.state === 'playing') {
      this.anchorWall = this.scheduler.now();
      this.schedule(0);
    }
    this.publish();
  }

  setSpeed(speed: ReplaySpeed): void {
    if (!REPLAY_SPEEDS.includes(speed)) throw new Error(`replay: unknown speed ${String(speed)}`);
    if (speed === this.speed) return;
    const wasMax = this.speed === 'max';
    // Re-anchor so the clock keeps its position under the new rate; leaving 'max', resume at the next candle.
    this.anchorVirtual = wasMax ? this.startOf(this.index) : this.virtualNow();
    this.anchorWall = this.scheduler.now();
    this.speed = speed;
    if (this.state === 'playing') {
      this.generation++;
      this.schedule(0);
    }
    this.publish();
  }

  private moveTo(index: number): void {
    this.index = index;
    this.step = 0;
    this.anchorVirtual = this.startOf(index);
    this.anchorWall = this.scheduler.now();
  }

  private tick = (): void => {
    this.timer = null;
    if (this.state !== 'playing') return;
    const generation = this.generation;
    if (this.speed === 'max') this.emitChunk(generation);
    else this.emitDue(generation);
    if (generation !== this.generation || this.state !== 'playing') return;
    if (this.index >= this.candles.length) return this.finish();
    if (this.speed === 'max') {
      if (!this.events.ready) return this.schedule(0);
      void this.events.ready().then(() => {
        if (generation === this.generation && this.state === 'playing' && this.timer === null) this.schedule(0);
      });
      return;
    }
    const wait = (this.dueOf(this.index, this.nextStep()) - this.virtualNow()) / this.speed;
    this.schedule(Math.max(0, wait));
  };

  private emitChunk(generation: number): void {
    for (let n = 0; n < this.chunkSize && this.index < this.candles.length; n++) {
      this.emitStep(CLOSE_STEP, false);
      if (generation !== this.generation) return;
    }
    this.anchorVirtual = this.startOf(this.index);
    this.publish();
  }

  private emitDue(generation: number): void {
    const now = this.virtualNow();
    for (let n = 0; n < MAX_CATCH_UP && this.index < this.candles.length; n++) {
      const step = this.nextStep();
      if (this.dueOf(this.index, step) > now) return;
      this.emitStep(step, true);
      if (generation !== this.generation) return;
    }
  }

  /** Emits one step of the current candle and advances; a closed step also publishes the status. */
  private emitStep(step: number, publish: boolean): void {
    const candle = this.candles[this.index]!;
    if (step === CLOSE_STEP) {
      this.index++;
      this.step = 0;
      this.events.onCandle({ candle: { ...candle }, closed: true });
      if (publish) this.publish();
    } else {
      this.step = step + 1;
      this.events.onCandle({ candle: openCandleAt(candle, step), closed: false });
    }
  }

  private nextStep(): number {
    return this.intraCandle && this.speed !== 'max' && this.speed <= INTRA_CANDLE_UP_TO ? this.step : CLOSE_STEP;
  }

  private startOf(index: number): number {
    return index * CANDLE_MS;
  }

  private dueOf(index: number, step: number): number {
    return step === CLOSE_STEP ? this.startOf(index + 1) : this.startOf(index) + (step * CANDLE_MS) / OPEN_STEPS;
  }

  private virtualNow(): number {
    if (this.state !== 'playing' || this.speed === 'max') return this.anchorVirtual;
    return this.anchorVirtual + (this.scheduler.now() - this.anchorWall) * this.speed;
  }

  private finish(): void {
    this.state = 'ended';
    this.generation++;
    this.cancel();
    this.publish();
    this.events.onEnd?.();
  }

  private schedule(ms: number): void {
    this.cancel();
    this.timer = this.scheduler.setTimeout(this.tick, ms);
  }

  private cancel(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private publish(): void {
    this.events.onStatus?.(this.status());
  }
}

/**
 * The still-open candle after `step` thirds of its OHLC path: open -> low -> high -> close for a rising candle,
 * open -> high -> low -> close for a falling one, with volume accrued in proportion.
 */
export function openCandleAt(c: Candle, step: number): Candle {
  const rising = c.close >= c.open;
  const first = rising ? c.low : c.high;
  const second = rising ? c.high : c.low;
  const volume = (c.volume * step) / OPEN_STEPS;
  if (step <= 0) return { time: c.time, open: c.open, high: c.open, low: c.open, close: c.open, volume: 0 };
  if (step === 1) {
    return {
      time: c.time,
      open: c.open,
      high: Math.max(c.open, first),
      low: Math.min(c.open, first),
      close: first,
      volume,
    };
  }
  return { time: c.time, open: c.open, high: c.high, low: c.low, close: second, volume };
}
