import type { Candle } from '../../../src/core/candles/candle';
import { SimulatedMarket } from '../../../src/core/sim/simulated-market';

/** `n` closed 1h candles of the deterministic simulated market (no real data needed). */
export function simulatedCandles(n: number, seed: number): Candle[] {
  const market = new SimulatedMarket({ symbol: 'BTCUSDT', timeframe: '1h', seed });
  const out: Candle[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) out.push(market.nextCandle(start + i * 3_600_000).at(-1)!);
  return out;
}
