import { RollingExtreme } from './rolling-extreme';
import { Sma, smaBatch } from './sma';
import { Indicator } from './indicator';

/**
 * TA-Lib STOCH(fastK, slowK, SMA, slowD, SMA): fast %K = 100 * (close - LL)/(HH - LL) over fastK
 * candles (0 when HH == LL), slow %K = SMA(fast %K), slow %D = SMA(slow %K); both outputs start together
 * at index (fastK - 1) + (slowK - 1) + (slowD - 1).
 */
/** `value` is slow %K; `d` beside it (the extremes and SMAs roll back replace-updates). */
export class Stoch extends Indicator {
  private readonly hh: RollingExtreme;
  private readonly ll: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  d = NaN;

  constructor(fastK: number, slowK: number, slowD: number) {
    super();
    this.hh = new RollingExtreme(fastK, 'max');
    this.ll = new RollingExtreme(fastK, 'min');
    this.kSma = new Sma(slowK);
    this.dSma = new Sma(slowD);
  }

  update(high: number, low: number, close: number, replace: boolean): number {
    const hh = this.hh.update(high, replace);
    const ll = this.ll.update(low, replace);
    this.result = this.d = NaN;
    if (hh !== hh) return NaN;
    const diff = (hh - ll) / 100;
    const fastK = diff !== 0 ? (close - ll) / diff : 0;
    const k = this.kSma.update(fastK, replace);
    if (k !== k) return NaN;
    const d = this.dSma.update(k, replace);
    if (d !== d) return NaN;
    this.d = d;
    return (this.result = k);
  }
}

/**
 * Batch twin of Stoch, fed from candle 0, given the rolling max of high and min of low over `fastK`
 * candles (rollingExtremeBatch: the same values as the streaming deques). Writes slow %K and %D to the
 * given columns (NaN until %D exists), with the same operations as `update`; `fastKScratch` is a work column.
 */
export function stochBatch(
  hh: Float64Array,
  ll: Float64Array,
  close: Float64Array,
  fastK: number,
  slowK: number,
  slowD: number,
  kOut: Float64Array,
  dOut: Float64Array,
  fastKScratch: Float64Array,
): void {
  const rows = close.length;
  const kStart = Math.min(rows, fastK - 1);
  for (let t = kStart; t < rows; t++) {
    const h = hh[t]!;
    const l = ll[t]!;
    const diff = (h - l) / 100;
    fastKScratch[t] = diff !== 0 ? (close[t]! - l) / diff : 0;
  }
  smaBatch(fastKScratch, kStart, slowK, kOut);
  const dStart = Math.min(rows, kStart + slowK - 1);
  smaBatch(kOut, dStart, slowD, dOut);
  kOut.fill(NaN, 0, Math.min(rows, dStart + slowD - 1));
}
