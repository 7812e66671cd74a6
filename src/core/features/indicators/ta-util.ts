/** TA-Lib's TA_EPSILON: |v| < 1e-14 counts as zero in its divisions (TA_IS_ZERO). */
export const TA_EPSILON = 1e-14;

export function taIsZero(v: number): boolean {
  return -TA_EPSILON < v && v < TA_EPSILON;
}

/** TA-Lib TRANGE of one candle given the previous close. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const a = Math.abs(prevClose - high);
  if (a > tr) tr = a;
  const b = Math.abs(prevClose - low);
  if (b > tr) tr = b;
  return tr;
}
