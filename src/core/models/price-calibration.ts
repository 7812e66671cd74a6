/**
 * The math that turns ensemble log returns into the numbers a user sees; the same formulas are fitted and
 * evaluated by training/ensemble/calibration.py:
 *
 *   scale      = feature (GARCH vol) if finite and > 0, else fallback feature; then max(scale, floor)
 *   vol_h      = scale * sqrt(h)
 *   confidence = interp(|ret| / vol_h; curve.x, curve.p), clamped at both ends (numpy.interp)
 *   lower      = close * exp(ret + q_lo * vol_h),  upper = close * exp(ret + q_hi * vol_h)
 *   std        = population standard deviation of the members' predicted closes
 */
import type { ConfidenceCurve, IntervalQuantiles } from './price-ensemble-params';

/** Per-candle volatility from the primary and fallback feature values (NaN = missing). */
export function volatilityScale(primary: number, fallback: number, floor: number): number {
  const s = Number.isFinite(primary) && primary > 0 ? primary : fallback;
  return Number.isFinite(s) ? Math.max(s, floor) : NaN;
}

/** Linear interpolation on a sorted x grid, clamped to the first/last p outside it (like numpy.interp). */
export function interpolateConfidence(strength: number, curve: ConfidenceCurve): number {
  const { x, p } = curve;
  const n = x.length;
  if (Number.isNaN(strength)) return NaN;
  if (strength <= x[0]!) return p[0]!;
  if (strength >= x[n - 1]!) return p[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= strength) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo]!;
  const x1 = x[hi]!;
  return p[lo]! + ((p[hi]! - p[lo]!) * (strength - x0)) / (x1 - x0);
}

/** Probability that the predicted direction of `ret` is right, for a volatility `volH` over the horizon. */
export function directionConfidence(ret: number, volH: number, curve: ConfidenceCurve): number {
  return interpolateConfidence(Math.abs(ret) / volH, curve);
}

/** Prediction interval of the close: close * exp(ret + q * vol_h) for the two quantiles. */
export function closeInterval(
  close: number,
  ret: number,
  volH: number,
  q: IntervalQuantiles,
): { lower: number; upper: number } {
  return { lower: close * Math.exp(ret + q.q_lo * volH), upper: close * Math.exp(ret + q.q_hi * volH) };
}

/** Population standard deviation. */
export function spread(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / n);
}
