import { isTimeframe, type Timeframe } from '../core/candles/timeframe';
import { detectTimeframe } from '../core/candles/detect-timeframe';
import { parseCandlesCsv } from '../feeds/csv';

/** What a CSV file name says about its candles (null when it does not say). */
export interface NameGuess {
  /** The venue the file came from (provenance only: imports are stored under "import"). */
  exchange: string | null;
  symbol: string | null;
  timeframe: string | null;
}

const SYMBOL = /^[A-Z][A-Z0-9]{2,19}$/;

/**
 * Symbol, timeframe and venue from a file name. The recorded-data convention `{exchange}_{SYMBOL}_{interval}_…`
 * (e.g. "kraken_ETHUSD_1h_2023-01.csv") is read by position; other names (e.g. "BTCUSDT-1m-2024-01.csv") by
 * shape: the first symbol-like part and the first timeframe-like part.
 */
export function guessFromFileName(name: string): NameGuess {
  const stem = name.replace(/\.[^.]*$/, '');
  const underscored = stem.split('_');
  if (underscored.length >= 3 && isTimeframe(underscored[2]!.toLowerCase())) {
    const symbol = underscored[1]!.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return {
      exchange: underscored[0]!.toLowerCase(),
      symbol: SYMBOL.test(symbol) ? symbol : null,
      timeframe: underscored[2]!.toLowerCase(),
    };
  }
  const parts = stem.toUpperCase().split(/[-_ .]+/);
  const symbol = parts.find((p) => /^[A-Z][A-Z0-9]{4,14}$/.test(p) && /[A-Z]{5,}/.test(p)) ?? null;
  const tf = parts.find((p) => /^\d{1,2}[MHDW]$/.test(p));
  return { exchange: null, symbol, timeframe: tf ? tf.toLowerCase() : null };
}

/** Bytes of a file read to detect its timeframe before import. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * The timeframe of the candles at the start of a CSV text (its first SNIFF_BYTES), or null when they do not
 * parse or their spacing is no known timeframe. The engine checks the whole file again on import.
 */
export function sniffTimeframe(head: string, name: string): Timeframe | null {
  const complete = head.length >= SNIFF_BYTES ? head.slice(0, head.lastIndexOf('\n')) : head;
  try {
    return detectTimeframe(parseCandlesCsv(complete, { source: name }).map((c) => c.time));
  } catch {
    return null;
  }
}
