/** Training targets and candle-file naming, shared by the export and the tests. */

/**
 * Log return over h candles for each row and horizon, row-major [rows x horizons]:
 * ln(close[t+h] / close[t]), or NaN when t + h is past the end or the h candles are not contiguous (a gap).
 */
export function horizonTargets(
  time: Float64Array,
  close: Float64Array,
  tfMs: number,
  horizons: readonly number[],
): Float64Array {
  const n = time.length;
  const k = horizons.length;
  const out = new Float64Array(n * k).fill(NaN);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < k; j++) {
      const h = horizons[j]!;
      const u = t + h;
      if (u < n && time[u]! - time[t]! === h * tfMs) out[t * k + j] = Math.log(close[u]! / close[t]!);
    }
  }
  return out;
}

/** "binance_BTCUSDT_15m_2023-04_2024-04.csv" -> { exchange, symbol, timeframe }. */
export function parseCandleFileName(file: string): { exchange: string; symbol: string; timeframe: string } {
  const m = /^([a-z0-9]+)_([A-Z0-9]+)_(\d+[a-zA-Z])_/.exec(file.replace(/^.*\//, ''));
  if (!m) throw new Error(`cannot parse candle file name "${file}"`);
  return { exchange: m[1]!, symbol: m[2]!, timeframe: m[3]! };
}
