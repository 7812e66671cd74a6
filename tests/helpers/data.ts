import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../../src/core/candles/candle';
import { parseCandlesCsv } from '../../src/feeds/csv';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folder of the real Binance candles (../shared/data/candles beside the checkout; CANDLECAST_DATA overrides). */
export const CANDLES_DIR = process.env['CANDLECAST_DATA'] ?? resolve(repoRoot, '..', 'shared', 'data', 'candles');

export const hasCandleData = existsSync(CANDLES_DIR);

/** Message for skipped suites, so a missing data folder is loud, not silent. */
export const NO_DATA_REASON = `real candle data not found at ${CANDLES_DIR} (set CANDLECAST_DATA)`;

if (!hasCandleData) {
  if (process.env['CI']) throw new Error(NO_DATA_REASON);
  console.warn(`SKIPPING real-data suites: ${NO_DATA_REASON}`);
}

const cache = new Map<string, Candle[]>();

/** Loads one file of ../shared/data/candles, e.g. "binance_BTCUSDT_1h_2023-01_2024-01.csv". */
export function loadCandles(file: string, limit?: number): Candle[] {
  let candles = cache.get(file);
  if (!candles) {
    const path = join(CANDLES_DIR, file);
    candles = parseCandlesCsv(readFileSync(path, 'utf8'), { source: path });
    cache.set(file, candles);
  }
  return limit === undefined ? candles : candles.slice(0, limit);
}
