import type { Candle } from '../candles/candle';
import { bucketStart, timeframeMs, type Timeframe } from '../candles/timeframe';
import { fnv1a, mulberry32, normalFrom } from '../util/random';

/**
 * A deterministic simulated market for offline first use. Returns follow GARCH(1,1) (volatility clustering)
 * with occasional shock candles (fat tails); each candle is built from a path of intra-candle steps, so highs and lows
 * are where the path went; volume rises with the candle's realised volatility. The same (symbol, timeframe,
 * seed) always gives the same candles for the same open times.
 */
export interface SimulatedMarketOptions {
  symbol: string;
  timeframe: Timeframe;
  seed?: number;
  startPrice?: number;
  /** Intra-candle steps used to draw each candle's path (and its open updates). */
  steps?: number;
}

const GARCH_OMEGA = 0.02;
const GARCH_ALPHA = 0.12;
const GARCH_BETA = 0.86;
/** Fat tails: a few candles are news shocks with a larger scale; the mixture keeps unit variance. */
const SHOCK_PROBABILITY = 0.05;
const SHOCK_SCALE = 2.5;
const CALM_SCALE = Math.sqrt((1 - SHOCK_PROBABILITY * SHOCK_SCALE ** 2) / (1 - SHOCK_PROBABILITY));
/** Per-candle volatility at the GARCH long-run level, for a 1m candle (scaled by sqrt(time) for others). */
const BASE_VOL_1M = 0.0009;

export class SimulatedMarket {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  private readonly uniform: () => number;
  private readonly normal: () => number;
  private readonly steps: number;
  private readonly candleVol: number;
  private variance = 1; // in units of the long-run variance
  private lastShock = 0;
  private price: number;

  constructor(options: SimulatedMarketOptions) {
    this.symbol = options.symbol;
    this.timeframe = options.timeframe;
    this.uniform = mulberry32(options.seed ?? fnv1a(`${options.symbol}/${options.timeframe}`));
    this.normal = normalFrom(this.uniform);
    this.steps = options.steps ?? 12;
    this.price = options.startPrice ?? defaultStartPrice(options.symbol);
    this.candleVol = BASE_VOL_1M * Math.sqrt(timeframeMs(options.timeframe) / 60_000);
  }

  /**
   * The next candle opening at `time` (aligned down to the timeframe), with the open updates a live stream
   * would have shown while it formed (each a prefix of the path); the last entry is the closed candle.
   */
  nextCandle(time: number): Candle[] {
    const open = this.price;
    const t = bucketStart(time, this.timeframe);
    // GARCH(1,1) in long-run units: E[variance] = 1 when omega = 1 - alpha - beta.
    this.variance = GARCH_OMEGA + GARCH_ALPHA * this.lastShock * this.lastShock + GARCH_BETA * this.variance;
    const scale = this.uniform() < SHOCK_PROBABILITY ? SHOCK_SCALE : CALM_SCALE;
    const sigma = this.candleVol * Math.sqrt(this.variance) * scale;
    const stepSigma = sigma / Math.sqrt(this.steps);
    let price = open;
    let high = open;
    let low = open;
    let volume = 0;
    let drawn = 0;
    const frames: Candle[] = [];
    for (let s = 0; s < this.steps; s++) {
      const z = this.normal();
      drawn += z;
      const r = stepSigma * z;
      price *= Math.exp(r);
      volume += this.stepVolume(Math.abs(r) / (this.candleVol / Math.sqrt(this.steps)));
      if (price > high) high = price;
      if (price < low) low = price;
      frames.push(roundCandle({ time: t, open, high, low, close: price, volume }));
    }
    this.lastShock = (drawn / Math.sqrt(this.steps)) * scale;
    this.price = price;
    return frames;
  }

  /** Closed candles for `count` consecutive slots starting at `from`. */
  history(from: number, count: number): Candle[] {
    const step = timeframeMs(this.timeframe);
    const start = bucketStart(from, this.timeframe);
    const out: Candle[] = [];
    for (let i = 0; i < count; i++) out.push(this.nextCandle(start + i * step).at(-1)!);
    return out;
  }

  /** Volume traded in one intra-candle step: a floor plus a part that grows with the step's move (in sigmas). */
  private stepVolume(moveInSigmas: number): number {
    const noise = 0.7 + 0.6 * this.uniform();
    return ((50 + 300 * Math.min(moveInSigmas, 6)) * noise) / this.steps;
  }
}

function defaultStartPrice(symbol: string): number {
  if (symbol.startsWith('BTC')) return 43_000;
  if (symbol.startsWith('ETH')) return 2_300;
  if (symbol.startsWith('SOL')) return 95;
  return 1 + (fnv1a(symbol) % 100);
}

function roundCandle(c: Candle): Candle {
  const digits = c.open >= 1000 ? 2 : c.open >= 10 ? 3 : 5;
  const f = 10 ** digits;
  const r = (v: number) => Math.round(v * f) / f;
  const open = r(c.open);
  const close = r(c.close);
  return {
    time: c.time,
    open,
    close,
    high: Math.max(r(c.high), open, close),
    low: Math.min(r(c.low), open, close),
    volume: Math.round(c.volume * 1000) / 1000,
  };
}
