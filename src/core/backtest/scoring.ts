/**
 * Costs and equity of backtest trades. What a hit and a realised return are lives in ../insights/scoring.ts,
 * shared with the live track record.
 */
import { directionHit, realizedLogReturn } from '../insights/scoring';

export { directionHit, realizedLogReturn };

/** Direction of a call or a position: +1 long / up, -1 short / down. */
export type Direction = 1 | -1;

/** Execution assumptions of a backtest. */
export interface CostModel {
  /** Round-trip cost as a fraction of the position (fees for entry and exit together), e.g. 0.001. */
  cost: number;
  /** Adverse price move per fill (entry and exit each), as a fraction of the price, e.g. 0.0002. */
  slippage: number;
}

export const DEFAULT_COST = 0.001;
export const DEFAULT_SLIPPAGE = 0;

/**
 * Simple return of one trade after costs: the entry fills `slippage` worse than `entryClose` and the exit
 * `slippage` worse than `exitClose` (a long buys higher and sells lower, a short the reverse), then the
 * round-trip `cost` is subtracted. Long: exit/entry - 1 - cost; short: 1 - exit/entry - cost.
 */
export function tradeReturn(direction: Direction, entryClose: number, exitClose: number, costs: CostModel): number {
  const entry = entryClose * (1 + direction * costs.slippage);
  const exit = exitClose * (1 - direction * costs.slippage);
  return direction * (exit / entry - 1) - costs.cost;
}

/** The mark-to-market value factor of an open position at `close` (slipped entry, before the exit's costs). */
export function openPositionFactor(direction: Direction, entryClose: number, close: number, slippage: number): number {
  const entry = entryClose * (1 + direction * slippage);
  return 1 + direction * (close / entry - 1);
}

/** Largest fall from a running peak of an equity curve, as a positive fraction (0.25 = -25%). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i]!;
    if (v > peak) peak = v;
    else if (peak > 0) worst = Math.max(worst, 1 - v / peak);
  }
  return worst;
}
