import type { Candle } from '../candles/candle';
import type { SeriesKey } from '../candles/series-key';
import type { PipelineModels } from '../insights/pipeline';
import { HORIZONS, type HorizonKey, type Signal } from '../insights/types';
import { visitAppSignals, type BacktestProgress } from './app-signals';
import {
  combinedDecision,
  horizonDecision,
  reversalDecision,
  runStrategy,
  type StrategyScore,
  type Trade,
} from './rules';
import { DEFAULT_COST, DEFAULT_SLIPPAGE, type CostModel, type Direction } from './scoring';

/**
 * Holding period of the combined verdict and of the reversal baseline, in candles: the horizon whose
 * calibrated confidence rates the app's pattern and indicator signals (signals.ts RATING_HORIZON).
 */
export const COMBINED_HOLD = 5;

/** The JSON of `candlecast backtest` (SPEC §6), also what the app shows in its table. */
export interface BacktestReport {
  cost: number;
  slippage: number;
  candles: number;
  /** Open time of the first scored candle (models past warm-up), null when none is. */
  scored_from: number | null;
  model_version: string | null;
  horizons: Record<HorizonKey, StrategyScore>;
  combined: StrategyScore;
  buy_and_hold: { return: number };
  baseline: StrategyScore;
}

/** The report plus what the charts draw: the combined verdict's trades and equity against buy-and-hold. */
export interface BacktestResult {
  report: BacktestReport;
  /** Combined-verdict trades with candle open times instead of indices. */
  trades: Array<Omit<Trade, 'entry' | 'exit'> & { entryTime: number; exitTime: number }>;
  /** Per scored candle: open time, close, combined-verdict equity, buy-and-hold equity (both start at 1). */
  equity: { time: Float64Array; close: Float64Array; combined: Float64Array; buyAndHold: Float64Array };
}

export interface BacktestOptions extends Partial<CostModel> {
  /** The series: its timeframe selects the price ensemble's calibration (shrink, claims), as in the app. */
  key: SeriesKey;
  progress?: BacktestProgress;
}

/** What the strategies read of the signals at each candle: the side (1, -1, 0) per horizon and combined. */
interface Decisions {
  horizons: Record<HorizonKey, Int8Array>;
  combined: Int8Array;
}

function emptyDecisions(n: number): Decisions {
  const horizons = {} as Record<HorizonKey, Int8Array>;
  for (const h of HORIZONS) horizons[String(h) as HorizonKey] = new Int8Array(n);
  return { horizons, combined: new Int8Array(n) };
}

function recordDecisions(d: Decisions, i: number, signals: readonly Signal[]): void {
  for (const h of HORIZONS) {
    const key = String(h) as HorizonKey;
    d.horizons[key][i] = horizonDecision(signals, key);
  }
  d.combined[i] = combinedDecision(signals);
}

/**
 * Backtest of the app's signals on a candle series (see rules.ts for the trading rules): per horizon the
 * prediction signal of that horizon held `h` candles, the combined verdict and the reversal baseline held
 * COMBINED_HOLD candles, all after the same costs, beside buy-and-hold over the scored range.
 */
export async function runBacktest(
  candles: readonly Candle[],
  models: PipelineModels,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const costs: CostModel = { cost: options.cost ?? DEFAULT_COST, slippage: options.slippage ?? DEFAULT_SLIPPAGE };
  if (!(costs.cost >= 0 && costs.cost < 1)) throw new RangeError(`cost must be in [0, 1), got ${costs.cost}`);
  if (!(costs.slippage >= 0 && costs.slippage < 1))
    throw new RangeError(`slippage must be in [0, 1), got ${costs.slippage}`);
  // each candle's signals are reduced to the sides the strategies trade as they come, and not kept
  const decisions = emptyDecisions(candles.length);
  const series = await visitAppSignals(
    candles,
    models,
    options.key,
    (i, signals) => recordDecisions(decisions, i, signals),
    options.progress,
    costs.cost,
  );
  return scoreDecisions(candles, decisions, series.firstScored, series.modelVersion, costs);
}

/** Scores precomputed per-candle signals (the part of runBacktest after the models). */
export function scoreSignals(
  candles: readonly Candle[],
  signals: ReadonlyArray<readonly Signal[]>,
  firstScored: number,
  modelVersion: string | null,
  costs: CostModel,
): BacktestResult {
  const decisions = emptyDecisions(candles.length);
  signals.forEach((s, i) => recordDecisions(decisions, i, s));
  return scoreDecisions(candles, decisions, firstScored, modelVersion, costs);
}

function scoreDecisions(
  candles: readonly Candle[],
  decisions: Decisions,
  firstScored: number,
  modelVersion: string | null,
  costs: CostModel,
): BacktestResult {
  const side = (d: Int8Array) => (i: number) => d[i] as 0 | Direction;
  const closes = Float64Array.from(candles, (c) => c.close);
  const horizons = {} as Record<HorizonKey, StrategyScore>;
  for (const h of HORIZONS) {
    const key = String(h) as HorizonKey;
    horizons[key] = runStrategy(closes, firstScored, h, side(decisions.horizons[key]), costs).score;
  }
  const combined = runStrategy(closes, firstScored, COMBINED_HOLD, side(decisions.combined), costs);
  const baseline = runStrategy(closes, firstScored, COMBINED_HOLD, (i) => reversalDecision(closes, i), costs);
  const scored = firstScored < candles.length;
  const first = scored ? closes[firstScored]! : NaN;
  const span = combined.equity.length;
  const time = new Float64Array(span);
  const buyAndHold = new Float64Array(span);
  for (let k = 0; k < span; k++) {
    time[k] = candles[firstScored + k]!.time;
    buyAndHold[k] = closes[firstScored + k]! / first;
  }
  return {
    report: {
      cost: costs.cost,
      slippage: costs.slippage,
      candles: candles.length,
      scored_from: scored ? candles[firstScored]!.time : null,
      model_version: modelVersion,
      horizons,
      combined: combined.score,
      buy_and_hold: { return: scored ? closes[closes.length - 1]! / first - 1 : 0 },
      baseline: baseline.score,
    },
    trades: combined.trades.map(({ entry, exit, ...t }) => ({
      ...t,
      entryTime: candles[entry]!.time,
      exitTime: candles[exit]!.time,
    })),
    equity: { time, close: closes.slice(firstScored), combined: combined.equity, buyAndHold },
  };
}
