import type { PatternName } from '../names';
import { createDarkCloudCover } from './dark-cloud-cover';
import { createDoji } from './doji';
import { createEngulfing } from './engulfing';
import { createEveningStar } from './evening-star';
import { createHammer } from './hammer';
import { createHarami } from './harami';
import { createMarubozu } from './marubozu';
import { createMorningStar } from './morning-star';
import { createPiercingLine } from './piercing-line';
import type { PatternRule } from './rule';
import { createShootingStar } from './shooting-star';
import { createThreeBlackCrows } from './three-black-crows';
import { createThreeWhiteSoldiers } from './three-white-soldiers';
import { createTweezer } from './tweezer';

/** The rules behind the fifteen patterns (engulfing and tweezer each serve two patterns). */
export const RULE_FACTORIES = {
  doji: createDoji,
  hammer: createHammer,
  shootingStar: createShootingStar,
  engulfing: createEngulfing,
  morningStar: createMorningStar,
  eveningStar: createEveningStar,
  threeWhiteSoldiers: createThreeWhiteSoldiers,
  threeBlackCrows: createThreeBlackCrows,
  harami: createHarami,
  piercingLine: createPiercingLine,
  darkCloudCover: createDarkCloudCover,
  tweezer: createTweezer,
  marubozu: createMarubozu,
} as const satisfies Record<string, () => PatternRule>;

export type RuleKey = keyof typeof RULE_FACTORIES;
export const RULE_KEYS = Object.keys(RULE_FACTORIES) as RuleKey[];

/** Which part of a rule's signed output counts as the pattern. */
export type RuleSignal = 'nonzero' | 'positive' | 'negative';

export interface PatternSpec {
  readonly rule: RuleKey;
  readonly signal: RuleSignal;
  /** The TA-Lib function it follows, or null for candlecast's own definition. */
  readonly talib: string | null;
}

/** SPEC §4: each pattern's rule and the sign that selects it. */
export const PATTERN_SPECS: Readonly<Record<PatternName, PatternSpec>> = {
  doji: { rule: 'doji', signal: 'nonzero', talib: 'CDLDOJI' },
  hammer: { rule: 'hammer', signal: 'nonzero', talib: 'CDLHAMMER' },
  shooting_star: { rule: 'shootingStar', signal: 'nonzero', talib: 'CDLSHOOTINGSTAR' },
  engulfing_bullish: { rule: 'engulfing', signal: 'positive', talib: 'CDLENGULFING' },
  engulfing_bearish: { rule: 'engulfing', signal: 'negative', talib: 'CDLENGULFING' },
  morning_star: { rule: 'morningStar', signal: 'positive', talib: 'CDLMORNINGSTAR' },
  evening_star: { rule: 'eveningStar', signal: 'negative', talib: 'CDLEVENINGSTAR' },
  three_white_soldiers: { rule: 'threeWhiteSoldiers', signal: 'nonzero', talib: 'CDL3WHITESOLDIERS' },
  three_black_crows: { rule: 'threeBlackCrows', signal: 'nonzero', talib: 'CDL3BLACKCROWS' },
  harami: { rule: 'harami', signal: 'nonzero', talib: 'CDLHARAMI' },
  piercing_line: { rule: 'piercingLine', signal: 'nonzero', talib: 'CDLPIERCING' },
  dark_cloud_cover: { rule: 'darkCloudCover', signal: 'nonzero', talib: 'CDLDARKCLOUDCOVER' },
  tweezer_top: { rule: 'tweezer', signal: 'negative', talib: null },
  tweezer_bottom: { rule: 'tweezer', signal: 'positive', talib: null },
  marubozu: { rule: 'marubozu', signal: 'nonzero', talib: 'CDLMARUBOZU' },
};

export function signalled(signal: RuleSignal, value: number): boolean {
  return signal === 'nonzero' ? value !== 0 : signal === 'positive' ? value > 0 : value < 0;
}

/** A fresh, independent instance of every rule (rules carry rolling sums, so each run needs its own). */
export function createRules(): Record<RuleKey, PatternRule> {
  const out = {} as Record<RuleKey, PatternRule>;
  for (const key of RULE_KEYS) out[key] = RULE_FACTORIES[key]();
  return out;
}
