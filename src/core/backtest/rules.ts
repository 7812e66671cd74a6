import type { Signal } from '../insights/types';
import {
  directionHit,
  maxDrawdown,
  openPositionFactor,
  realizedLogReturn,
  tradeReturn,
  type CostModel,
  type Direction,
} from './scoring';

/**
 * Trading rules of the backtest (one set for every strategy, the baseline included):
 *
 * 1. A decision is taken at the CLOSE of candle i, from what the app shows at that close (nothing later).
 * 2. A long (BUY) or short (SELL) opens at that close, `close_i`, filled `slippage` worse; it is held exactly
 *    `hold` candles and closes at `close_{i+hold}`, again filled `slippage` worse; the round-trip `cost` is
 *    subtracted once per trade (see tradeReturn). Entering at the close of the candle the signal appears on is
 *    the price the app shows with the signal; slippage is where a user charges the delay to a real fill.
 * 3. One position at a time per strategy: decisions while a position is open are ignored (no overlap, no
 *    pyramiding); a new position may open at the very close the previous one exits.
 * 4. A decision whose exit would fall after the last candle is not taken (every trade counted is complete).
 * 5. Each trade risks the whole equity: total return compounds the trades' returns.
 * 6. A trade is a hit when its side matches the sign of the log return from entry close to exit close: the
 *    live track record's definition (directionHit), so hit rates mean the same thing in both.
 *
 * Scored range: candles firstScored..last. Exposure = candle intervals spent in a position / intervals in the
 * scored range. Max drawdown is taken on the equity marked to market at every close (costs at the exit).
 */
export interface Trade {
  /** Index of the entry candle (its close) and of the exit candle. */
  entry: number;
  exit: number;
  direction: Direction;
  /** Simple return after slippage and cost. */
  return: number;
  hit: boolean;
}

/** Summary of one strategy (SPEC §6 `S`, plus the average trade). */
export interface StrategyScore {
  trades: number;
  /** Share of trades whose direction was right; null without trades. */
  hit_rate: number | null;
  /** Total simple return after costs, compounded over the trades (0.12 = +12%). */
  return: number;
  /** Mean simple return per trade after costs; null without trades. */
  average_return: number | null;
  max_drawdown: number;
  /** Share of the scored candle intervals spent in a position. */
  exposure: number;
}

export interface StrategyRun {
  score: StrategyScore;
  trades: Trade[];
  /** Equity (starting at 1) at the close of every candle from firstScored on. */
  equity: Float64Array;
}

/**
 * Walks the candles in order and trades `decide(i)` (a side or 0 = no trade) by the rules above. `decide` is
 * called only for candles in the scored range whose exit fits, and only while flat.
 */
export function runStrategy(
  closes: ArrayLike<number>,
  firstScored: number,
  hold: number,
  decide: (i: number) => 0 | Direction,
  costs: CostModel,
): StrategyRun {
  const n = closes.length;
  const span = Math.max(0, n - firstScored);
  const equity = new Float64Array(span);
  const trades: Trade[] = [];
  let capital = 1;
  let open: { entry: number; direction: Direction } | null = null;
  for (let i = firstScored; i < n; i++) {
    const close = closes[i]!;
    if (open && i === open.entry + hold) {
      const entryClose = closes[open.entry]!;
      const r = tradeReturn(open.direction, entryClose, close, costs);
      capital *= 1 + r;
      trades.push({
        entry: open.entry,
        exit: i,
        direction: open.direction,
        return: r,
        hit: directionHit(open.direction, realizedLogReturn(entryClose, close)),
      });
      open = null;
    }
    if (open) {
      equity[i - firstScored] =
        capital * openPositionFactor(open.direction, closes[open.entry]!, close, costs.slippage);
      continue;
    }
    if (i + hold < n) {
      const side = decide(i);
      if (side !== 0) open = { entry: i, direction: side };
    }
    equity[i - firstScored] = capital;
  }
  const hits = trades.filter((t) => t.hit).length;
  const sum = trades.reduce((s, t) => s + t.return, 0);
  return {
    score: {
      trades: trades.length,
      hit_rate: trades.length > 0 ? hits / trades.length : null,
      return: capital - 1,
      average_return: trades.length > 0 ? sum / trades.length : null,
      max_drawdown: maxDrawdown(equity),
      exposure: span > 1 ? (trades.length * hold) / (span - 1) : 0,
    },
    trades,
    equity,
  };
}

/** The side of the app's prediction signal for horizon `h` (source `prediction:<h>`), or 0. */
export function horizonDecision(signals: readonly Signal[], h: string): 0 | Direction {
  const s = signals.find((x) => x.source === `prediction:${h}` && x.type !== 'HOLD');
  return s ? (s.type === 'BUY' ? 1 : -1) : 0;
}

/**
 * The combined verdict of everything the app shows at a close: BUY signals minus SELL signals (HOLDs do not
 * count); the side of the majority, or 0 on a tie or without signals.
 */
export function combinedDecision(signals: readonly Signal[]): 0 | Direction {
  let net = 0;
  for (const s of signals) net += s.type === 'BUY' ? 1 : s.type === 'SELL' ? -1 : 0;
  return net > 0 ? 1 : net < 0 ? -1 : 0;
}

/** The short-term reversal baseline of SPEC §5: the side of -ln(close_i / close_{i-5}), 0 when flat or too early. */
export function reversalDecision(closes: ArrayLike<number>, i: number): 0 | Direction {
  if (i < 5) return 0;
  const score = -Math.log(closes[i]! / closes[i - 5]!);
  return score > 0 ? 1 : score < 0 ? -1 : 0;
}
