/** Candle timeframes candlecast understands, in the exchange-style notation. */
export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w'] as const;

export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-01 was a Thursday; weekly candles open on Monday 00:00 UTC (1970-01-05). */
const FIRST_MONDAY = 4 * DAY;

const DURATION_MS: Record<Timeframe, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '1w': 7 * DAY,
};

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

export function parseTimeframe(value: string): Timeframe {
  if (!isTimeframe(value)) {
    throw new Error(`unknown timeframe "${value}" (expected one of ${TIMEFRAMES.join(', ')})`);
  }
  return value;
}

export function timeframeMs(tf: Timeframe): number {
  return DURATION_MS[tf];
}

/** Open time of the candle of timeframe `tf` that contains instant `time`. */
export function bucketStart(time: number, tf: Timeframe): number {
  const ms = DURATION_MS[tf];
  const offset = tf === '1w' ? FIRST_MONDAY : 0;
  return time - mod(time - offset, ms);
}

export function isAligned(time: number, tf: Timeframe): boolean {
  return bucketStart(time, tf) === time;
}

/** True when candles of `higher` are whole multiples of candles of `lower` (resampling is possible). */
export function canResample(lower: Timeframe, higher: Timeframe): boolean {
  const lo = DURATION_MS[lower];
  const hi = DURATION_MS[higher];
  return hi > lo && hi % lo === 0;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** The timeframe of ascending open times: their most common spacing, when it is a known timeframe. */
export function inferTimeframe(times: ArrayLike<number>): Timeframe | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return TIMEFRAMES.find((tf) => DURATION_MS[tf] === best) ?? null;
}
