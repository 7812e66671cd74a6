/**
 * The contract every streaming indicator in this folder follows, in the spirit of trading-signals'
 * `Indicator` base (github.com/bennycode/trading-signals, src/Indicator.ts):
 * - `update(...inputs, replace)` feeds one candle's inputs and returns the new value. `replace = false`
 *   appends a candle; `replace = true` rewrites the newest (still-open) candle from the state before it,
 *   any number of times.
 * - `value` is the latest result (NaN while warming up or undefined); indicators with several outputs
 *   expose the others as named fields beside it.
 * - Replace-updates go through `begin(replace)`: it calls `save()` before a new candle and `restore()`
 *   before a rewrite, so a subclass only says which numbers make up its state. Indicators built from other
 *   indicators leave both empty (their parts roll back themselves); a few keep a cheaper exact undo of
 *   their own (documented on the class).
 * `tests/unit/features/indicator-contract.test.ts` runs every indicator through the same replace checks.
 */
export abstract class Indicator {
  protected result = NaN;

  /** Latest result (NaN = empty). */
  get value(): number {
    return this.result;
  }

  /** First step of every update(): roll back to the state before the newest candle, or save it. */
  protected begin(replace: boolean): void {
    if (replace) this.restore();
    else this.save();
  }

  /** Keeps what `restore` needs to undo the next update (called before each new candle). */
  protected save(): void {}

  /** Puts back the state `save` kept (called before each replace-update). */
  protected restore(): void {}
}
