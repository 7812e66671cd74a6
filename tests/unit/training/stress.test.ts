import { describe, expect, it } from 'vitest';
import { toColumns, type CandleColumns } from '../../../src/core/candles/candle';
import { coarseTicks, gapOpens, localRange, stressMix, type StressMixOptions } from '../../../training/cnn/stress';
import { simulatedCandles, tieOpens } from '../../helpers/synthetic';

/** Offset of candle i from the original if it moved as a whole (shape kept), else NaN. */
function wholeShift(a: CandleColumns, b: CandleColumns, i: number): number {
  const d = b.close[i]! - a.close[i]!;
  const same = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.abs(y);
  return same(b.open[i]!, a.open[i]! + d) && same(b.high[i]!, a.high[i]! + d) && same(b.low[i]!, a.low[i]! + d)
    ? d
    : NaN;
}

const OPTIONS: StressMixOptions = {
  block: 100,
  gap: { probability: [0.3, 1], scale: [0.05, 0.5] },
  tickFraction: [0.05, 0.6],
};

describe('market stress transforms (training/cnn/stress.ts)', () => {
  const cols = tieOpens(toColumns(simulatedCandles(2000, 7))); // Binance-like: open = previous close
  const range = localRange(cols);

  it('gapOpens shifts whole candles, so opens leave the previous close while shapes stay', () => {
    const g = gapOpens(cols, { probability: 0.6, scale: 0.3 }, 1);
    let shifted = 0;
    let gapped = 0;
    for (let i = 1; i < 2000; i++) {
      const d = wholeShift(cols, g, i);
      expect(Number.isNaN(d)).toBe(false);
      if (d !== 0) shifted++;
      expect(Math.abs(d)).toBeLessThan(3 * range[i]!); // 0.3 x range, 10 sigma
      if (g.open[i] !== g.close[i - 1]) gapped++;
    }
    expect(shifted / 1999).toBeGreaterThan(0.5);
    expect(shifted / 1999).toBeLessThan(0.7);
    expect(gapped).toBeGreaterThan(1500);
    expect(Array.from(cols.open.subarray(1, 10))).toEqual(Array.from(cols.close.subarray(0, 9))); // input untouched
  });

  it('coarseTicks rounds every price to one grid per block, keeping high >= open, close >= low', () => {
    const c = coarseTicks(cols, 0.3, 500);
    for (let i = 0; i < 2000; i++) {
      expect(c.high[i]).toBeGreaterThanOrEqual(Math.max(c.open[i]!, c.close[i]!));
      expect(c.low[i]).toBeLessThanOrEqual(Math.min(c.open[i]!, c.close[i]!));
    }
    for (const from of [0, 500, 1500]) {
      const part = Array.from(range.subarray(from, from + 500)).sort((a, b) => a - b);
      const tick = 0.3 * part[250]!; // 0.3 x the block's median local range
      for (let i = from; i < from + 500; i++)
        for (const p of [c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!])
          expect(Math.abs(p / tick - Math.round(p / tick))).toBeLessThan(1e-6);
    }
    let equalHighs = 0;
    for (let i = 1; i < 2000; i++) if (c.high[i] === c.high[i - 1]) equalHighs++;
    let rawEqual = 0;
    for (let i = 1; i < 2000; i++) if (cols.high[i] === cols.high[i - 1]) rawEqual++;
    expect(equalHighs).toBeGreaterThan(rawEqual + 200);
  });

  it('stressMix with kinds ["gap"] only shifts, the default mixes gaps and grids, both deterministic', () => {
    const gapOnly = stressMix(cols, { ...OPTIONS, kinds: ['gap'] }, 3);
    for (let i = 0; i < 2000; i++) expect(Number.isNaN(wholeShift(cols, gapOnly, i))).toBe(false);
    const mixed = stressMix(cols, OPTIONS, 3);
    let reshaped = 0;
    for (let i = 0; i < 2000; i++) if (Number.isNaN(wholeShift(cols, mixed, i))) reshaped++;
    expect(reshaped).toBeGreaterThan(200); // rounded blocks change shapes
    expect(Array.from(stressMix(cols, OPTIONS, 3).close)).toEqual(Array.from(mixed.close));
    // The default kinds are the three in order: the same as naming them.
    const named = stressMix(cols, { ...OPTIONS, kinds: ['gap', 'coarse', 'both'] }, 3);
    expect(Array.from(named.open)).toEqual(Array.from(mixed.open));
  });
});
