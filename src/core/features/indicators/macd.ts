import { Ema, emaBatch } from './ema';
import { Indicator } from './indicator';

/**
 * TA-Lib MACD(fast, slow, signal): the fast EMA is seeded over the same last `fast` values as the slow
 * EMA's first output (TA-Lib skips the first slow - fast values for it), the signal EMA runs over the
 * MACD line from its first value. All three outputs start at index (slow - 1) + (signal - 1).
 */
/** `value` is the MACD line; `signal` and `hist` beside it (the three EMAs roll back replace-updates). */
export class Macd extends Indicator {
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  signal = NaN;
  hist = NaN;

  constructor(fast: number, slow: number, signal: number) {
    super();
    if (slow < fast) [fast, slow] = [slow, fast];
    this.fastEma = new Ema(fast, slow - fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
  }

  update(x: number, replace: boolean): number {
    const f = this.fastEma.update(x, replace);
    const s = this.slowEma.update(x, replace);
    this.result = this.signal = this.hist = NaN;
    if (s !== s) return NaN;
    const line = f - s;
    const sig = this.signalEma.update(line, replace);
    if (sig !== sig) return NaN;
    this.signal = sig;
    this.hist = line - sig;
    return (this.result = line);
  }
}

/**
 * Batch twin of Macd, fed from candle 0: writes the MACD line, signal and histogram to the given columns
 * (NaN until the signal exists), with the same operations as `update`. `fastScratch` and `slowScratch` are
 * work columns of the same length.
 */
export function macdBatch(
  x: Float64Array,
  fast: number,
  slow: number,
  signal: number,
  macdOut: Float64Array,
  signalOut: Float64Array,
  histOut: Float64Array,
  fastScratch: Float64Array,
  slowScratch: Float64Array,
): void {
  if (slow < fast) [fast, slow] = [slow, fast];
  const rows = x.length;
  emaBatch(x, 0, fast, fastScratch, slow - fast);
  emaBatch(x, 0, slow, slowScratch);
  const lineStart = Math.min(rows, slow - 1);
  for (let t = lineStart; t < rows; t++) macdOut[t] = fastScratch[t]! - slowScratch[t]!;
  emaBatch(macdOut, lineStart, signal, signalOut);
  const first = Math.min(rows, lineStart + signal - 1);
  macdOut.fill(NaN, 0, first);
  histOut.fill(NaN, 0, first);
  for (let t = first; t < rows; t++) histOut[t] = macdOut[t]! - signalOut[t]!;
}
