/**
 * TA-Lib OBV (starts at the first volume), AD (Chaikin accumulation/distribution) and ADOSC(fast, slow)
 * whose EMAs are seeded with the first AD value and use ema = k * ad + (1 - k) * ema. ADOSC starts at
 * index slow - 1.
 */
export class VolumeFlow {
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly lookback: number;
  private count = 0;
  private prevClose = 0;
  private obvAcc = 0;
  private adAcc = 0;
  private fast = 0;
  private slow = 0;
  private readonly snap = new Float64Array(6);
  obv = NaN;
  ad = NaN;
  adosc = NaN;

  constructor(fast: number, slow: number) {
    this.kFast = 2 / (fast + 1);
    this.kSlow = 2 / (slow + 1);
    this.lookback = Math.max(fast, slow) - 1;
  }

  update(high: number, low: number, close: number, volume: number, replace: boolean): void {
    const s = this.snap;
    if (replace) {
      this.count = s[0]!;
      this.prevClose = s[1]!;
      this.obvAcc = s[2]!;
      this.adAcc = s[3]!;
      this.fast = s[4]!;
      this.slow = s[5]!;
    } else {
      s[0] = this.count;
      s[1] = this.prevClose;
      s[2] = this.obvAcc;
      s[3] = this.adAcc;
      s[4] = this.fast;
      s[5] = this.slow;
    }
    const i = this.count++;
    if (i === 0) this.obvAcc = volume;
    else if (close > this.prevClose) this.obvAcc += volume;
    else if (close < this.prevClose) this.obvAcc -= volume;
    this.prevClose = close;
    this.obv = this.obvAcc;
    const range = high - low;
    if (range > 0) this.adAcc += ((close - low - (high - close)) / range) * volume;
    this.ad = this.adAcc;
    if (i === 0) {
      this.fast = this.adAcc;
      this.slow = this.adAcc;
    } else {
      this.fast = this.kFast * this.adAcc + (1 - this.kFast) * this.fast;
      this.slow = this.kSlow * this.adAcc + (1 - this.kSlow) * this.slow;
    }
    this.adosc = i >= this.lookback ? this.fast - this.slow : NaN;
  }
}
