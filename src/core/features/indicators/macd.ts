import { Ema } from './ema';

/**
 * TA-Lib MACD(fast, slow, signal): the fast EMA is seeded over the same last `fast` values as the slow
 * EMA's first output (TA-Lib skips the first slow - fast values for it), the signal EMA runs over the
 * MACD line from its first value. All three outputs start at index (slow - 1) + (signal - 1).
 */
export class Macd {
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  macd = NaN;
  signal = NaN;
  hist = NaN;

  constructor(fast: number, slow: number, signal: number) {
    if (slow < fast) [fast, slow] = [slow, fast];
    this.fastEma = new Ema(fast, slow - fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
  }

  update(x: number, replace: boolean): void {
    const f = this.fastEma.update(x, replace);
    const s = this.slowEma.update(x, replace);
    this.macd = this.signal = this.hist = NaN;
    if (s !== s) return;
    const line = f - s;
    const sig = this.signalEma.update(line, replace);
    if (sig !== sig) return;
    this.macd = line;
    this.signal = sig;
    this.hist = line - sig;
  }
}
