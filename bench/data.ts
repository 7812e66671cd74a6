import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../src/core/candles/candle';
import { parseCandlesCsv } from '../src/feeds/csv';

/** The real candles of ../shared/data/candles (CANDLECAST_DATA overrides), as the benches read them. */
export const DATA_DIR =
  process.env['CANDLECAST_DATA'] ??
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'candles');

/** `count` real 1m candles: the 1m files in name order, each its own series, laid end to end. */
export function loadOneMinuteCandles(count = 1_000_000): Candle[] {
  const files = readdirSync(DATA_DIR)
    .filter((f) => /_1m_.*\.csv$/.test(f))
    .sort();
  const out: Candle[] = [];
  for (const f of files) {
    if (out.length >= count) break;
    const path = join(DATA_DIR, f);
    for (const c of parseCandlesCsv(readFileSync(path, 'utf8'), { source: path })) out.push(c);
  }
  return out.slice(0, count);
}
