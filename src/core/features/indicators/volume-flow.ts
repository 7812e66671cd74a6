import { Indicator } from './indicator';
/**
 * TA-Lib OBV (starts at the first volume), AD (Chaikin accumulation/distribution) and ADOSC(fast, slow)
 * whose EMAs are seeded with the first AD value and use ema = k * ad + (1 - k) * ema. ADOSC starts at
 * index slow - 1.
 */
export class VolumeFlow extends Indicator {
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
  /** `value` is OBV; AD and ADOSC beside it. */
  ad = NaN;
  adosc = NaN;

  constructor(fast: number, slow: number) {
    super();
    this.kFast = 2 / (fast + 1);
    this.kSlow = 2 / (slow + 1);
    this.lookback = Math.max(fast, slow) - 1;
  }

  update(high: number, low: number, close: number, volume: number, replace: boolean): number {
    if (replace) this.restore();
    else this.save();
    const i = this.count++;
    if (i === 0) this.obvAcc = volume;
    else if (close > this.prevClose) this.obvAcc += volume;
    else if (close < this.prevClose) this.obvAcc -= volume;
    this.prevClose = close;
    this.result = this.obvAcc;
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
    return this.result;
  }

  protected override save(): void {
    const s = this.snap;
    s[0] = this.count;
    s[1] = this.prevClose;
    s[2] = this.obvAcc;
    s[3] = this.adAcc;
    s[4] = this.fast;
    s[5] = this.slow;
  }

  protected override restore(): void {
    const s = this.snap;
    this.count = s[0]!;
    this.prevClose = s[1]!;
    this.obvAcc = s[2]!;
    this.adAcc = s[3]!;
    this.fast = s[4]!;
    this.slow = s[5]!;
  }
}

/**
 * Batch twin of VolumeFlow(fast, slow), fed from candle 0: writes OBV, AD and ADOSC after each update to
 * the given columns (ADOSC NaN during warm-up), with the same operations in the same order as `update`.
 */
export function volumeFlowBatch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  fast: number,
  slow: number,
  obvOut: Float64Array,
  adOut: Float64Array,
  adoscOut: Float64Array,
): void {
  const rows = close.length;
  const kFast = 2 / (fast + 1);
  const kSlow = 2 / (slow + 1);
  const lookback = Math.max(fast, slow) - 1;
  adoscOut.fill(NaN, 0, Math.min(rows, lookback));
  let obvAcc = 0;
  let adAcc = 0;
  let emaFast = 0;
  let emaSlow = 0;
  for (let i = 0; i < rows; i++) {
    const c = close[i]!;
    const v = volume[i]!;
    if (i === 0) obvAcc = v;
    else if (c > close[i - 1]!) obvAcc += v;
    else if (c < close[i - 1]!) obvAcc -= v;
    obvOut[i] = obvAcc;
    const h = high[i]!;
    const l = low[i]!;
    const range = h - l;
    if (range > 0) adAcc += ((c - l - (h - c)) / range) * v;
    adOut[i] = adAcc;
    if (i === 0) {
      emaFast = adAcc;
      emaSlow = adAcc;
    } else {
      emaFast = kFast * adAcc + (1 - kFast) * emaFast;
      emaSlow = kSlow * adAcc + (1 - kSlow) * emaSlow;
    }
    if (i >= lookback) adoscOut[i] = emaFast - emaSlow;
  }
}
