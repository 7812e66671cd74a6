/**
 * Number and label formatting for the panels. Pure and locale-fixed (en-US) so values are stable in tests.
 * `null` (an empty value from the engine) renders as an em dash, never as a made-up number.
 */
export const EMPTY = '—';

const groupFormats = new Map<number, Intl.NumberFormat>();
function fixed(digits: number): Intl.NumberFormat {
  let f = groupFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    groupFormats.set(digits, f);
  }
  return f;
}

const isNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Decimals that show a price's meaningful digits: 2 above 1000, more as prices get smaller. */
export function priceDigits(price: number): number {
  const a = Math.abs(price);
  if (a >= 1000) return 2;
  if (a >= 1) return 4 - Math.min(2, Math.floor(Math.log10(a)));
  if (a === 0) return 2;
  return Math.min(10, 3 - Math.floor(Math.log10(a)));
}

/** A price with thousands separators and decimals chosen for its size: 43,012.50 · 2.3456 · 0.0001234. */
export function formatPrice(value: number | null | undefined, digits?: number): string {
  if (!isNumber(value)) return EMPTY;
  return fixed(digits ?? priceDigits(value)).format(value);
}

/** A probability or share as a percentage: 0.5432 -> "54.3%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (!isNumber(value)) return EMPTY;
  return `${fixed(digits).format(value * 100)}%`;
}

/** A log return as the signed percentage change it implies: 0.00029 -> "+0.029%". */
export function formatLogReturn(value: number | null | undefined, digits = 3): string {
  if (!isNumber(value)) return EMPTY;
  const pct = Math.expm1(value) * 100;
  const text = fixed(digits).format(Math.abs(pct));
  if (Number(text) === 0) return `${fixed(digits).format(0)}%`;
  return `${pct > 0 ? '+' : '−'}${text}%`;
}

/** A correlation such as the IC, signed: 0.0421 -> "+0.042". */
export function formatCorrelation(value: number | null | undefined): string {
  if (!isNumber(value)) return EMPTY;
  const text = fixed(3).format(Math.abs(value));
  if (Number(text) === 0) return fixed(3).format(0);
  return `${value > 0 ? '+' : '−'}${text}`;
}

/** Milliseconds of compute time: 3.21 -> "3.2 ms", 0.04 -> "0.04 ms". */
export function formatMs(value: number | null | undefined): string {
  if (!isNumber(value)) return EMPTY;
  return `${value < 1 ? fixed(2).format(value) : fixed(1).format(value)} ms`;
}

/** An integer count with separators: 12345 -> "12,345". */
export function formatCount(value: number | null | undefined): string {
  if (!isNumber(value)) return EMPTY;
  return fixed(0).format(value);
}

/** A span of time in the largest unit that divides it: 3_600_000 -> "1 h", 4_500_000 -> "75 min", 250 -> "250 ms". */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [7 * 86_400_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, name] of units) {
    if (Math.abs(ms) >= size && ms % size === 0) return `${ms / size} ${name}`;
  }
  for (const [size, name] of units) {
    if (Math.abs(ms) >= size) return `${fixed(1).format(ms / size)} ${name}`;
  }
  return `${Math.round(ms)} ms`;
}

/** How long ago something happened, in whole seconds / minutes / hours: "4 s ago". */
export function formatAge(ms: number | null | undefined): string {
  if (!isNumber(ms)) return EMPTY;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** A UTC time of day for candle times: "14:05 UTC", with the date when `withDate`. */
export function formatTime(epochMs: number | null | undefined, withDate = false): string {
  if (!isNumber(epochMs)) return EMPTY;
  const iso = new Date(epochMs).toISOString();
  const time = iso.slice(11, 16);
  return withDate ? `${iso.slice(0, 10)} ${time} UTC` : `${time} UTC`;
}

const PATTERN_QUALIFIER = /_(bullish|bearish)$/;

/** A pattern's display name: "engulfing_bullish" -> "Engulfing (bullish)", "three_white_soldiers" -> "Three white soldiers". */
export function patternLabel(name: string): string {
  const qualifier = PATTERN_QUALIFIER.exec(name)?.[1];
  const base = name.replace(PATTERN_QUALIFIER, '').replace(/_/g, ' ');
  const text = base.charAt(0).toUpperCase() + base.slice(1);
  return qualifier ? `${text} (${qualifier})` : text;
}

/** Plain words for a calibrated probability that a direction call is right. */
export function confidenceWords(p: number | null | undefined): string {
  if (!isNumber(p)) return 'no estimate';
  if (p < 0.5) return 'worse than a coin flip';
  if (p < 0.53) return 'about a coin flip';
  if (p < 0.58) return 'a slight edge';
  if (p < 0.65) return 'a moderate edge';
  return 'a strong edge';
}
