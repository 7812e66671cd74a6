/**
 * The contract every streaming indicator in this folder follows, in the spirit of trading-signals'
 * `Indicator` base (github.com/bennycode/trading-signals, src/Indicator.ts):
 * - `update(...inputs, replace)` feeds one candle's inputs and returns the new value. `replace = false`
 *   appends a candle; `replace = true` rewrites the newest (still-open) candle from the state before it,
 *   any number of times.
 * - `value` is the latest result (NaN while warming up or undefined); indicators with several outputs
 *   expose the others as named fields beside it.
 * - Replace-updates: `update` starts with `if (replace) this.restore(); else this.save();`, so a subclass only
 *   says which numbers make up its state (`save` keeps them before a new candle, `restore` puts them back
 *   before a rewrite). The two lines sit in each update rather than in a shared base method: a base method
 *   would see every subclass at one call site, which V8 cannot inline (measured in `npm run bench`).
 *   Indicators built from other indicators leave both hooks empty (their parts roll back themselves); a few
 *   keep a cheaper exact undo of their own (documented on the class).
 * `tests/unit/features/indicator-contract.test.ts` runs every indicator through the same replace checks.
 */
export abstract class Indicator {
  protected result = NaN;

  /** Latest result (NaN = empty). */
  get value(): number {
    return this.result;
  }

  /** Keeps what `restore` needs to undo the next update (called before each new candle). */
  protected save(): void {}

  /** Puts back the state `save` kept (called before each replace-update). */
  protected restore(): void {}
}
