import { taIsZero, trueRange } from './ta-util';

const isZero = taIsZero; // local alias: keeps the hot path free of module-binding getters
const tr1 = trueRange;

/**
 * TA-Lib PLUS_DI / MINUS_DI / ADX (Wilder, unstable period 0) in one kernel. Feed every candle from the
 * first; +DI/-DI start at index n, ADX at index 2n - 1.
 */
export class Dmi {
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
  adxValue = NaN;

  constructor(period: number) {
    this.period = period;
  }

  update(high: number, low: number, close: number, replace: boolean): void {
    const s = this.snap;
    if (replace) {
      this.count = s[0]!;
      this.prevHigh = s[1]!;
      this.prevLow = s[2]!;
      this.prevClose = s[3]!;
      this.pdm = s[4]!;
      this.mdm = s[5]!;
      this.tr = s[6]!;
      this.sumDx = s[7]!;
      this.adx = s[8]!;
    } else {
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
    const n = this.period;
    const i = this.count++;
    this.plusDi = this.minusDi = this.adxValue = NaN;
    if (i === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return;
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
      return;
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
    this.adxValue = i >= 2 * n - 1 ? this.adx : NaN;
  }
}
