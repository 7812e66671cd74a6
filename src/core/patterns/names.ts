/** The fifteen candlestick patterns candlecast detects, in the fixed order of the CNN's outputs. */
export const PATTERN_NAMES = [
  'doji',
  'hammer',
  'shooting_star',
  'engulfing_bullish',
  'engulfing_bearish',
  'morning_star',
  'evening_star',
  'three_white_soldiers',
  'three_black_crows',
  'harami',
  'piercing_line',
  'dark_cloud_cover',
  'tweezer_top',
  'tweezer_bottom',
  'marubozu',
] as const;

export type PatternName = (typeof PATTERN_NAMES)[number];
