import { describe, expect, it } from 'vitest';
import { countMissing, detectGaps } from '../../../src/core/candles/gaps';
import { CANDLES_DIR, hasCandleData, loadCandles } from '../../helpers/data';

describe('detectGaps', () => {
  it('finds missing slots', () => {
    const m = 60_000;
    expect(detectGaps([0, m, 2 * m], '1m')).toEqual([]);
    expect(detectGaps([0, m, 5 * m, 6 * m, 8 * m], '1m')).toEqual([
      { from: 2 * m, to: 4 * m, missing: 3 },
      { from: 7 * m, to: 7 * m, missing: 1 },
    ]);
  });

  describe.skipIf(!hasCandleData)(`real data (${CANDLES_DIR})`, () => {
    it('finds the two Binance maintenance windows of April 2021 (434 missing minutes)', () => {
      const candles = loadCandles('binance_BTCUSDT_1m_2021-04_2021-05.csv');
      const gaps = detectGaps(
        candles.map((c) => c.time),
        '1m',
      );
      expect(gaps.length).toBe(2);
      expect(countMissing(gaps)).toBe(434);
      expect(gaps[0]!.from).toBe(Date.UTC(2021, 3, 20, 2, 0));
      expect(gaps[0]!.missing).toBe(150);
      expect(gaps[1]!.from).toBe(Date.UTC(2021, 3, 25, 4, 1));
      expect(gaps[1]!.missing).toBe(284);
    });
  });
});
