import { describe, expect, it } from 'vitest';
import { scoreSignals } from '../../../src/core/backtest/backtest';
import { combinedDecision, horizonDecision, reversalDecision, runStrategy } from '../../../src/core/backtest/rules';
import { directionHit, maxDrawdown, tradeReturn } from '../../../src/core/backtest/scoring';
import { scoreHorizon, TrackRecorder } from '../../../src/core/insights/track-record';
import type { Signal } from '../../../src/core/insights/types';

const sig = (type: Signal['type'], source: string): Signal => ({ type, source, reason: '', confidence: 0.6 });

describe('trade cost accounting (hand-checked)', () => {
  // closes 100, 110, 105, 121, 110, 88; long at the close of candle 0, short at the close of candle 2, hold 2.
  const closes = [100, 110, 105, 121, 110, 88];
  const costs = { cost: 0.001, slippage: 0.01 };
  const run = runStrategy(closes, 0, 2, (i) => (i === 0 ? 1 : i === 2 ? -1 : 0), costs);

  it('long: buys 1% above the close, sells 1% below, pays the round trip once', () => {
    // entry 101, exit 103.95: 103.95 / 101 - 1 - 0.001
    expect(tradeReturn(1, 100, 105, costs)).toBeCloseTo(0.0282079208, 9);
    expect(run.trades[0]).toMatchObject({ entry: 0, exit: 2, direction: 1, hit: true });
    expect(run.trades[0]!.return).toBeCloseTo(0.0282079208, 9);
  });

  it('short: sells 1% below the close, buys back 1% above', () => {
    // entry 103.95, exit 111.1: -(111.1 / 103.95 - 1) - 0.001
    expect(run.trades[1]).toMatchObject({ entry: 2, exit: 4, direction: -1, hit: false });
    expect(run.trades[1]!.return).toBeCloseTo(-0.0697830688, 9);
  });

  it('compounds, marks to market for the drawdown, and counts exposure in candle intervals', () => {
    expect(run.trades).toHaveLength(2); // the signal-free candle 4 exits; nothing opens that could not finish
    expect(run.score.trades).toBe(2);
    expect(run.score.hit_rate).toBe(0.5);
    expect(run.score.return).toBeCloseTo(1.0282079208 * 0.9302169312 - 1, 9);
    expect(run.score.return).toBeCloseTo(-0.0435435833, 9);
    expect(run.score.average_return).toBeCloseTo(-0.020787574, 8);
    // peak 110/101 at candle 1 (open long), trough at candle 3 (short from 103.95 marked at 121)
    expect(run.score.max_drawdown).toBeCloseTo(0.2107675806, 9);
    expect(run.score.exposure).toBeCloseTo(4 / 5, 12);
    expect(Array.from(run.equity.slice(0, 2))).toEqual([1, 110 / 101]);
  });

  it('ignores decisions while a position is open and never opens a trade it cannot close', () => {
    const always = runStrategy(closes, 0, 2, () => 1, { cost: 0, slippage: 0 });
    expect(always.trades.map((t) => [t.entry, t.exit])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(always.score.return).toBeCloseTo(110 / 100 - 1, 12);
    const late = runStrategy(closes, 0, 2, (i) => (i === 4 ? 1 : 0), { cost: 0, slippage: 0 });
    expect(late.trades).toHaveLength(0);
    expect(late.score).toMatchObject({ trades: 0, hit_rate: null, return: 0, average_return: null, exposure: 0 });
  });

  it('zero cost and zero slippage leave the plain price return', () => {
    expect(tradeReturn(1, 100, 105, { cost: 0, slippage: 0 })).toBeCloseTo(0.05, 12);
    expect(tradeReturn(-1, 100, 105, { cost: 0, slippage: 0 })).toBeCloseTo(-0.05, 12);
    expect(tradeReturn(-1, 100, 105, { cost: 0.002, slippage: 0 })).toBeCloseTo(-0.052, 12);
  });

  it('max drawdown is the largest fall from a running peak', () => {
    expect(maxDrawdown([1, 1.2, 0.9, 1.5, 1.2])).toBeCloseTo(0.25, 12);
    expect(maxDrawdown([1, 1.1, 1.2])).toBe(0);
  });
});

describe('decisions from the app signals', () => {
  it('per horizon: only the prediction signal of that horizon, HOLD is no trade', () => {
    const s = [sig('SELL', 'pattern:shooting_star'), sig('BUY', 'prediction:5')];
    expect(horizonDecision(s, '5')).toBe(1);
    expect(horizonDecision(s, '1')).toBe(0);
    expect(horizonDecision([sig('HOLD', 'prediction')], '5')).toBe(0);
    expect(horizonDecision([sig('SELL', 'prediction:1')], '1')).toBe(-1);
  });

  it('combined: majority of BUY vs SELL, tie or nothing = no trade', () => {
    expect(combinedDecision([sig('BUY', 'a'), sig('BUY', 'b'), sig('SELL', 'c'), sig('HOLD', 'prediction')])).toBe(1);
    expect(combinedDecision([sig('BUY', 'a'), sig('SELL', 'c')])).toBe(0);
    expect(combinedDecision([sig('SELL', 'c'), sig('HOLD', 'prediction')])).toBe(-1);
    expect(combinedDecision([])).toBe(0);
  });

  it('reversal baseline: the side of -ln(close_t / close_{t-5})', () => {
    const closes = [10, 11, 12, 13, 14, 9, 20];
    expect(reversalDecision(closes, 4)).toBe(0); // not 5 candles back yet
    expect(reversalDecision(closes, 5)).toBe(1); // fell from 10 to 9: buy the reversal
    expect(reversalDecision(closes, 6)).toBe(-1); // rose from 11 to 20: sell
  });
});

describe('report of precomputed signals', () => {
  it('scores from the first scored candle; buy-and-hold from its close to the last', () => {
    const closes = [50, 100, 110, 105, 121, 110, 88];
    const candles = closes.map((c, i) => ({ time: 1000 * i, open: c, high: c, low: c, close: c, volume: 1 }));
    const signals: Signal[][] = closes.map(() => []);
    signals[1] = [sig('BUY', 'prediction:1'), sig('BUY', 'pattern:hammer')];
    const result = scoreSignals(candles, signals, 1, 'v', { cost: 0.001, slippage: 0 });
    expect(result.report.buy_and_hold.return).toBeCloseTo(88 / 100 - 1, 12);
    expect(result.report.scored_from).toBe(1000);
    expect(result.report.horizons['1']).toMatchObject({ trades: 1, hit_rate: 1 });
    expect(result.report.horizons['1'].return).toBeCloseTo(0.1 - 0.001, 12);
    expect(result.report.horizons['5'].trades).toBe(0);
    // combined verdict BUY held 5 candles: 100 -> 88
    expect(result.report.combined.return).toBeCloseTo(-0.12 - 0.001, 12);
    expect(result.trades).toEqual([
      { direction: 1, return: result.report.combined.return, hit: false, entryTime: 1000, exitTime: 6000 },
    ]);
    expect(Array.from(result.equity.buyAndHold)).toEqual(closes.slice(1).map((c) => c / 100));
    // baseline: candles before index 5 have no 5-candle history; at index 5 (110 vs 50) it would sell, but
    // its exit (index 10) is past the end
    expect(result.report.baseline.trades).toBe(0);
  });
});

describe('one definition of a hit for the live track record and the backtest', () => {
  it('TrackRecorder counts exactly the calls directionHit counts', () => {
    const closes = [100, 101, 100.5, 100.5, 99, 102, 103, 101];
    const predicted = [0.01, -0.02, 0.003, 0, -0.01, 0.02, -0.001, 0.004];
    const rec = new TrackRecorder();
    for (let i = 0; i < closes.length; i++) {
      const skill = predicted[i] !== 0;
      const p = { return: predicted[i]!, prediction: 0, lower: 0, upper: 1e9, confidence: 0.5, std: 0, skill };
      const why = skill ? null : ('no_edge' as const);
      rec.onClose(i, closes[i]!, {
        '1': { ...p, abstain_reason: why, models: { xgboost: 0, hist_gbdt: 0, random_forest: 0 } },
      });
    }
    let hits = 0;
    for (let i = 0; i + 1 < closes.length; i++)
      if (directionHit(predicted[i]!, Math.log(closes[i + 1]! / closes[i]!))) hits++;
    const h1 = rec.scores().find((s) => s.horizon === 1)!;
    expect(h1.scored).toBe(7);
    // the hit rate is over claimed calls: the 0 call (an abstention) is scored but not claimed
    expect(h1.claimed).toBe(6);
    expect(h1.hitRate).toBeCloseTo(hits / 6, 12);
    // up call/up (hit), down/down (hit), flat move (never), 0 call (never), down/up, up/up (hit), down/down (hit)
    expect(hits).toBe(4);
    expect(scoreHorizon(1, []).hitRate).toBeNull();
  });
});
