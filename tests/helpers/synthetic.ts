import type { Candle, CandleColumns } from '../../src/core/candles/candle';
import { SimulatedMarket } from '../../src/core/sim/simulated-market';

/** `n` closed 1h candles of the deterministic simulated market (no real data needed). */
export function simulatedCandles(n: number, seed: number): Candle[] {
  const market = new SimulatedMarket({ symbol: 'BTCUSDT', timeframe: '1h', seed });
  const out: Candle[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) out.push(market.nextCandle(start + i * 3_600_000).at(-1)!);
  return out;
}

/**
 * The candles with their opens moved off the previous close in a fixed rotation: equal to it, a little above or below
 * it inside the previous candle's range, and beyond the previous high or low, so every case of the window's open
 * margins occurs. High and low widen to keep each candle valid.
 */
export function withOpenGaps(candles: readonly Candle[]): Candle[] {
  return candles.map((c, i) => {
    const prev = candles[i - 1];
    if (!prev) return c;
    const range = prev.high - prev.low;
    const opens = [
      prev.close,
      prev.close + 0.25 * (prev.high - prev.close),
      prev.close - 0.25 * (prev.close - prev.low),
      prev.high + 0.5 * range,
      prev.low - 0.5 * range,
    ];
    const open = opens[i % opens.length]!;
    return { ...c, open, high: Math.max(c.high, open), low: Math.min(c.low, open) };
  });
}

/** Exchange-like ties, in place: every open equal to the previous close (high and low widen to keep the candle valid). */
export function tieOpens(cols: CandleColumns): CandleColumns {
  for (let i = 1; i < cols.open.length; i++) {
    cols.open[i] = cols.close[i - 1]!;
    cols.high[i] = Math.max(cols.high[i]!, cols.open[i]!);
    cols.low[i] = Math.min(cols.low[i]!, cols.open[i]!);
  }
  return cols;
}
