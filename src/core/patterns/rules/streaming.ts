import type { Candle } from '../../candles/candle';
import { PATTERN_NAMES, type PatternName } from '../names';
import type { CandleAverage, Ohlc } from './candle-settings';
import { createRules, PATTERN_SPECS, RULE_KEYS, signalled } from './catalog';
import { stepRule, type PatternRule } from './rule';

/** Slots per column; when full, the newest `history` candles are copied to the front (amortized O(1)). */
const WINDOW_CAPACITY = 512;

/**
 * Streaming counterpart of `detectPatterns`, with identical results. Each `update` is O(1) amortized: it keeps the
 * last few candles (the longest rule lookback + 1) and each rule's rolling candle-setting sums.
 *
 * `update(candle, true)` rewrites the still-open last candle: the rolling sums are restored to their state before
 * that candle and it is evaluated again, so any sequence of replacements ends exactly where a single update with
 * the final values would. A replace on an empty detector is an ordinary append.
 */
export class PatternRuleDetector {
  private readonly rules: PatternRule[];
  private readonly patternRule: number[];
  private readonly averages: CandleAverage[];
  private readonly history: number;
  private readonly window: Ohlc;
  private readonly values: Int32Array;
  private length = 0; // filled slots of the window
  private count = 0; // candles seen

  constructor() {
    const byKey = createRules();
    this.rules = RULE_KEYS.map((k) => byKey[k]);
    this.patternRule = PATTERN_NAMES.map((name) => RULE_KEYS.indexOf(PATTERN_SPECS[name].rule));
    this.averages = this.rules.flatMap((r) => r.averages);
    this.history = Math.max(...this.rules.map((r) => r.lookback)) + 1;
    this.window = {
      open: new Float64Array(WINDOW_CAPACITY),
      high: new Float64Array(WINDOW_CAPACITY),
      low: new Float64Array(WINDOW_CAPACITY),
      close: new Float64Array(WINDOW_CAPACITY),
    };
    this.values = new Int32Array(this.rules.length);
  }

  /** Number of candles seen (a replacement does not add one). */
  get candles(): number {
    return this.count;
  }

  update(candle: Candle, replace = false): Readonly<Record<PatternName, boolean>> {
    let n: number;
    if (replace && this.count > 0) {
      for (const a of this.averages) a.restore();
      n = this.count - 1;
    } else {
      if (this.length === WINDOW_CAPACITY) this.compact();
      this.length++;
      for (const a of this.averages) a.save();
      n = this.count++;
    }
    const i = this.length - 1;
    const w = this.window;
    w.open[i] = candle.open;
    w.high[i] = candle.high;
    w.low[i] = candle.low;
    w.close[i] = candle.close;
    for (let k = 0; k < this.rules.length; k++) this.values[k] = stepRule(this.rules[k]!, w, i, n);
    const out = {} as Record<PatternName, boolean>;
    for (let p = 0; p < PATTERN_NAMES.length; p++) {
      const name = PATTERN_NAMES[p]!;
      out[name] = signalled(PATTERN_SPECS[name].signal, this.values[this.patternRule[p]!]!);
    }
    return out;
  }

  /** Forgets every candle; the next update starts a new series. */
  reset(): void {
    for (const a of this.averages) a.reset();
    this.length = 0;
    this.count = 0;
  }

  private compact(): void {
    const from = this.length - this.history;
    for (const col of [this.window.open, this.window.high, this.window.low, this.window.close]) {
      col.copyWithin(0, from, this.length);
    }
    this.length = this.history;
  }
}
