import type { CandleUpdate } from '../core/candles/candle';
import { bucketStart, timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { SimulatedMarket } from '../core/sim/simulated-market';

export interface SimulatedFeedEvents {
  onCandle(update: CandleUpdate): void;
}

export interface SimulatedFeedOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Closed candles emitted at start, ending just before the current slot. */
  historyCandles?: number;
  /** Time source and timer, injectable for tests. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  seed?: number;
}

/**
 * Streams the deterministic simulated market in real time: a history of closed candles first, then the
 * current candle's open updates spread over its duration, then its close, and so on. Used when no exchange
 * is reachable and nothing is cached, so the app works offline on first open (labelled "Simulated").
 */
export class SimulatedFeed {
  private readonly market: SimulatedMarket;
  private readonly step: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private timer: unknown = null;
  private frames: CandleUpdate[] = [];
  private emitted = 0;
  private slot = 0;
  private running = false;

  constructor(
    private readonly options: SimulatedFeedOptions,
    private readonly events: SimulatedFeedEvents,
  ) {
    this.market = new SimulatedMarket({
      symbol: options.symbol,
      timeframe: options.timeframe,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.step = timeframeMs(options.timeframe);
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const current = bucketStart(this.now(), this.options.timeframe);
    const count = this.options.historyCandles ?? 500;
    for (const candle of this.market.history(current - count * this.step, count)) {
      this.events.onCandle({ candle, closed: true });
    }
    this.slot = current;
    this.loadSlot();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private loadSlot(): void {
    this.frames = this.market.nextCandle(this.slot).map((candle, i, all) => ({ candle, closed: i === all.length - 1 }));
    this.emitted = 0;
  }

  /** Frame i of n is due at i/(n-1) of the way through its candle: the first at the open, the close at the end. */
  private dueAt(index: number): number {
    return this.slot + (index / (this.frames.length - 1)) * this.step;
  }

  /** Emits every frame whose time has come (catching up after a sleep), then sleeps until the next is due. */
  private tick(): void {
    if (!this.running) return;
    const now = this.now();
    while (this.dueAt(this.emitted) <= now) {
      this.events.onCandle(this.frames[this.emitted]!);
      this.emitted++;
      if (this.emitted === this.frames.length) {
        this.slot += this.step;
        this.loadSlot();
      }
    }
    this.timer = this.setTimer(() => this.tick(), Math.max(20, this.dueAt(this.emitted) - now));
  }
}
