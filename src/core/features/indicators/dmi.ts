import { taIsZero, trueRange } from './ta-util';
import { Indicator } from './indicator';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters
const tr1 = trueRange;

/**
 * TA-Lib PLUS_DI / MINUS_DI / ADX (Wilder, unstable period 0) in one kernel. Feed every candle from the
 * first; +DI/-DI start at index n, ADX at index 2n - 1.
 */
/** `value` is ADX; `plusDi` and `minusDi` beside it. */
export class Dmi extends Indicator {
  readonly period: number;
  private count = 0;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private pdm = 0;
  private mdm = 0;
  private tr = 0;
  private sumDx = 0;
  private adx = NaN;
  private readonly snap = new Float64Array(10);
  plusDi = NaN;
  minusDi = NaN;

  constructor(period: number) {
    super();
    this.period = period;
  }

  update(high: number, low: number, close: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const n = this.period;
    const i = this.count++;
    this.plusDi = this.minusDi = this.result = NaN;
    if (i === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return NaN;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    const tr = tr1(high, low, this.prevClose);
    this.prevClose = close;
    if (i < n) {
      if (diffM > 0 && diffP < diffM) this.mdm += diffM;
      else if (diffP > 0 && diffP > diffM) this.pdm += diffP;
      this.tr += tr;
      return NaN;
    }
    this.mdm -= this.mdm / n;
    this.pdm -= this.pdm / n;
    if (diffM > 0 && diffP < diffM) this.mdm += diffM;
    else if (diffP > 0 && diffP > diffM) this.pdm += diffP;
    this.tr = this.tr - this.tr / n + tr;
    let dx = NaN;
    if (!isZero(this.tr)) {
      const minusDi = 100 * (this.mdm / this.tr);
      const plusDi = 100 * (this.pdm / this.tr);
      this.minusDi = minusDi;
      this.plusDi = plusDi;
      const sum = minusDi + plusDi;
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDi - plusDi) / sum);
    } else {
      this.minusDi = 0;
      this.plusDi = 0;
    }
    if (i < 2 * n - 1) {
      if (dx === dx) this.sumDx += dx;
    } else if (i === 2 * n - 1) {
      if (dx === dx) this.sumDx += dx;
      this.adx = this.sumDx / n;
    } else if (dx === dx) {
      this.adx = (this.adx * (n - 1) + dx) / n;
    }
    return (this.result = i >= 2 * n - 1 ? this.adx : NaN);
  }

  protected override restore(): void {
    const s = this.snap;
    this.count = s[0]!;
    this.prevHigh = s[1]!;
    this.prevLow = s[2]!;
    this.prevClose = s[3]!;
    this.pdm = s[4]!;
    this.mdm = s[5]!;
    this.tr = s[6]!;
    this.sumDx = s[7]!;
    this.adx = s[8]!;
  }

  protected override save(): void {
    const s = this.snap;
    s[0] = this.count;
    s[1] = this.prevHigh;
    s[2] = this.prevLow;
    s[3] = this.prevClose;
    s[4] = this.pdm;
    s[5] = this.mdm;
    s[6] = this.tr;
    s[7] = this.sumDx;
    s[8] = this.adx;
  }
}

/**
 * Batch twin of Dmi, fed from candle 0: writes +DI, -DI and ADX after each update to the given columns
 * (NaN during warm-up), with the same operations in the same order as `update`.
 */
export function dmiBatch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  plusDiOut: Float64Array,
  minusDiOut: Float64Array,
  adxOut: Float64Array,
): void {
  const rows = close.length;
  const n = period;
  if (rows === 0) return;
  plusDiOut.fill(NaN, 0, Math.min(rows, n));
  minusDiOut.fill(NaN, 0, Math.min(rows, n));
  adxOut.fill(NaN, 0, Math.min(rows, 2 * n - 1));
  let pdm = 0;
  let mdm = 0;
  let trS = 0;
  let sumDx = 0;
  let adx = NaN;
  for (let i = 1; i < rows; i++) {
    const high1 = high[i]!;
    const low1 = low[i]!;
    const diffP = high1 - high[i - 1]!;
    const diffM = low[i - 1]! - low1;
    const tr = tr1(high1, low1, close[i - 1]!);
    if (i < n) {
      if (diffM > 0 && diffP < diffM) mdm += diffM;
      else if (diffP > 0 && diffP > diffM) pdm += diffP;
      trS += tr;
      continue;
    }
    mdm -= mdm / n;
    pdm -= pdm / n;
    if (diffM > 0 && diffP < diffM) mdm += diffM;
    else if (diffP > 0 && diffP > diffM) pdm += diffP;
    trS = trS - trS / n + tr;
    let dx = NaN;
    if (!isZero(trS)) {
      const minusDi = 100 * (mdm / trS);
      const plusDi = 100 * (pdm / trS);
      minusDiOut[i] = minusDi;
      plusDiOut[i] = plusDi;
      const sum = minusDi + plusDi;
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDi - plusDi) / sum);
    } else {
      minusDiOut[i] = 0;
      plusDiOut[i] = 0;
    }
    if (i < 2 * n - 1) {
      if (dx === dx) sumDx += dx;
    } else if (i === 2 * n - 1) {
      if (dx === dx) sumDx += dx;
      adx = sumDx / n;
    } else if (dx === dx) {
      adx = (adx * (n - 1) + dx) / n;
    }
    if (i >= 2 * n - 1) adxOut[i] = adx;
  }
}
