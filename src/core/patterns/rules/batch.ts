import type { CandleColumns } from '../../candles/candle';
import { PATTERN_NAMES, type PatternName } from '../names';
import { createRules, PATTERN_SPECS, RULE_KEYS, signalled } from './catalog';
import { stepRule } from './rule';

/**
 * Runs every rule over the whole series. Result: per pattern, 1 where the pattern is detected at that candle
 * (reported on the pattern's last candle), else 0; 0 during each rule's warm-up (`PATTERN_LOOKBACK`).
 */
export function detectPatterns(cols: CandleColumns): Record<PatternName, Uint8Array> {
  const n = cols.close.length;
  const out = {} as Record<PatternName, Uint8Array>;
  for (const name of PATTERN_NAMES) out[name] = new Uint8Array(n);
  const rules = createRules();
  for (const key of RULE_KEYS) {
    const rule = rules[key];
    const targets = PATTERN_NAMES.filter((name) => PATTERN_SPECS[name].rule === key).map((name) => ({
      signal: PATTERN_SPECS[name].signal,
      flags: out[name],
    }));
    for (let i = 0; i < n; i++) {
      const v = stepRule(rule, cols, i, i);
      if (v === 0) continue;
      for (const t of targets) if (signalled(t.signal, v)) t.flags[i] = 1;
    }
  }
  return out;
}
