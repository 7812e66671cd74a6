import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { ChartCandles, LEGEND_FIELDS, legendAt, legendText, tickDigits } from '../../../src/ui/chart-model';
import { hasCandleData, loadCandles } from '../../helpers/data';

const T0 = Date.UTC(2024, 0, 1, 12, 0);
const candle = (i: number, close: number, open = close): Candle => ({
  time: T0 + i * 60_000,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  volume: 10 + i,
});

describe('tickDigits', () => {
  it('is the fewest decimals that write every price', () => {
    expect(tickDigits([candle(0, 43012.5), candle(1, 43013.25)])).toBe(2);
    expect(tickDigits([candle(0, 43012), candle(1, 43013)])).toBe(0);
    expect(tickDigits([candle(0, 1.16879), candle(1, 1.1688)])).toBe(5);
    expect(tickDigits([])).toBe(2);
  });

  it('falls back to the price size for computed prices with more than 8 decimals', () => {
    expect(tickDigits([candle(0, 1 / 3)])).toBe(4);
    expect(tickDigits([candle(0, 43012 + 1 / 3)])).toBe(2);
  });

  it.skipIf(!hasCandleData)('EUR/USD shows 5 decimals, BTC 2 (real files)', () => {
    expect(tickDigits(loadCandles('mt5_EURUSD_1m_2018-05_2018-06.csv', 500))).toBe(5);
    expect(tickDigits(loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 500))).toBe(2);
  });
});

describe('legendAt', () => {
  const held = new ChartCandles();
  held.reset([candle(0, 100), candle(1, 110, 101), candle(2, 99, 111)]);

  it('reads the candle under the crosshair with its change from the previous close', () => {
    const l = legendAt(held, (T0 + 60_000) / 1000)!;
    expect(l).toEqual({
      time: T0 + 60_000,
      open: 101,
      high: 111,
      low: 100,
      close: 110,
      volume: 11,
      change: 10,
      changeRatio: 0.1,
    });
  });

  it('shows the newest candle when the crosshair is off or beyond the candles', () => {
    expect(legendAt(held, null)!.time).toBe(T0 + 120_000);
    expect(legendAt(held, (T0 + 600_000) / 1000)!.time).toBe(T0 + 120_000);
    expect(legendAt(held, null)!.change).toBe(-11);
  });

  it('has no change for the first candle, and nothing for an empty chart', () => {
    const first = legendAt(held, T0 / 1000)!;
    expect(first.change).toBeNull();
    expect(first.changeRatio).toBeNull();
    expect(legendAt(new ChartCandles(), null)).toBeNull();
  });
});

describe('legendText', () => {
  it('shows O H L C V in that order, each a field of the text', () => {
    expect(LEGEND_FIELDS.map((f) => `${f.letter}=${f.key}`)).toEqual([
      'O=open',
      'H=high',
      'L=low',
      'C=close',
      'V=volume',
    ]);
  });

  it('writes prices to the tick with thousands separators and a signed change', () => {
    const t = legendText(
      {
        time: T0,
        open: 43012.5,
        high: 43100,
        low: 42950.25,
        close: 43050,
        volume: 1234.5678,
        change: -21.5,
        changeRatio: -21.5 / 43071.5,
      },
      2,
    );
    expect(t).toEqual({
      open: '43,012.50',
      high: '43,100.00',
      low: '42,950.25',
      close: '43,050.00',
      volume: '1,235',
      change: '−21.50 (−0.05%)',
      direction: 'down',
    });
  });

  it('shows EUR/USD to 5 decimals and a dash without a previous candle', () => {
    const t = legendText(
      {
        time: T0,
        open: 1.16879,
        high: 1.16906,
        low: 1.16852,
        close: 1.16855,
        volume: 8,
        change: null,
        changeRatio: null,
      },
      5,
    );
    expect([t.open, t.high, t.low, t.close, t.volume, t.change]).toEqual([
      '1.16879',
      '1.16906',
      '1.16852',
      '1.16855',
      '8',
      '—',
    ]);
  });
});
