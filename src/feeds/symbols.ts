/** Quote assets recognised when splitting a canonical symbol like "BTCUSDT" (longest match wins). */
const QUOTES = [
  'FDUSD',
  'USDT',
  'USDC',
  'BUSD',
  'TUSD',
  'USDP',
  'DAI',
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'TRY',
  'AUD',
  'CAD',
  'CHF',
  'BRL',
  'BTC',
  'ETH',
  'BNB',
] as const;

export interface SymbolParts {
  base: string;
  quote: string;
}

/**
 * Splits a symbol into base and quote: "BTCUSDT", "BTC/USDT", "BTC-USDT" and "btc_usdt" all give
 * { base: "BTC", quote: "USDT" }. Throws a one-line error when the quote asset is not recognised.
 */
export function splitSymbol(symbol: string): SymbolParts {
  const s = symbol.trim().toUpperCase();
  const sep = /[/\-_:]/.exec(s);
  if (sep) {
    const base = s.slice(0, sep.index);
    const quote = s.slice(sep.index + 1);
    if (/^[A-Z0-9]+$/.test(base) && /^[A-Z0-9]+$/.test(quote)) return { base, quote };
    throw new Error(`bad symbol "${symbol}"`);
  }
  if (!/^[A-Z0-9]+$/.test(s)) throw new Error(`bad symbol "${symbol}"`);
  for (const q of [...QUOTES].sort((a, b) => b.length - a.length)) {
    if (s.endsWith(q) && s.length > q.length) return { base: s.slice(0, -q.length), quote: q };
  }
  throw new Error(`cannot tell base and quote apart in "${symbol}" (write it as BASE/QUOTE, e.g. BTC/USDT)`);
}

/** The canonical form used across candlecast: base + quote, upper case, no separator. */
export function canonicalSymbol(symbol: string): string {
  const { base, quote } = splitSymbol(symbol);
  return base + quote;
}
