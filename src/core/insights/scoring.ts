/**
 * Scoring shared by the live track record (src/core/insights/track-record.ts) and the backtest, so a "hit" and
 * a "realised return" mean the same thing in both: a call made at the close of candle i is judged at the
 * close of candle i + h (horizons count candles, not time), on the log return between those two closes.
 */

/** Log return from the close a call was made at to the close it is judged at. */
export function realizedLogReturn(fromClose: number, toClose: number): number {
  return Math.log(toClose / fromClose);
}

/**
 * Was a call in direction `predicted` (its sign: a predicted return, or a position's side) right? A move of
 * exactly 0 is never a hit, nor is a call without a direction.
 */
export function directionHit(predicted: number, realized: number): boolean {
  return realized !== 0 && predicted !== 0 && Math.sign(predicted) === Math.sign(realized);
}
