import { describe, expect, it } from 'vitest';
import {
  EMPTY,
  confidenceWords,
  formatAge,
  formatCorrelation,
  formatCount,
  formatDuration,
  formatLogReturn,
  formatMs,
  formatPercent,
  formatPrice,
  formatTime,
  patternLabel,
  priceDigits,
} from '../../../src/ui/format';

describe('format', () => {
  it('prices get decimals by magnitude and thousands separators', () => {
    expect(formatPrice(43012.5)).toBe('43,012.50');
    expect(formatPrice(2.34567)).toBe('2.3457');
    expect(formatPrice(123.456)).toBe('123.46');
    expect(formatPrice(0.000123456)).toBe('0.0001235');
    expect(formatPrice(0.5)).toBe('0.5000');
    expect(formatPrice(1, 1)).toBe('1.0');
    expect(priceDigits(0)).toBe(2);
  });
  it('empty values are a dash, never a number', () => {
    for (const f of [
      formatPrice,
      formatPercent,
      formatLogReturn,
      formatCorrelation,
      formatMs,
      formatCount,
      formatAge,
      formatTime,
    ]) {
      expect(f(null)).toBe(EMPTY);
      expect(f(Number.NaN)).toBe(EMPTY);
    }
  });
  it('percentages and signed log returns', () => {
    expect(formatPercent(0.5432)).toBe('54.3%');
    expect(formatPercent(1, 0)).toBe('100%');
    expect(formatLogReturn(0.00029)).toBe('+0.029%');
    expect(formatLogReturn(Math.log(0.99))).toBe('−1.000%');
    expect(formatLogReturn(1e-9)).toBe('0.000%');
  });
  it('correlations, milliseconds and counts', () => {
    expect(formatCorrelation(0.04213)).toBe('+0.042');
    expect(formatCorrelation(-0.2)).toBe('−0.200');
    expect(formatCorrelation(0.0001)).toBe('0.000');
    expect(formatMs(3.21)).toBe('3.2 ms');
    expect(formatMs(0.042)).toBe('0.04 ms');
    expect(formatCount(12345)).toBe('12,345');
  });
  it('durations, ages and times', () => {
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(90_000)).toBe('90 s');
    expect(formatDuration(15 * 5 * 60_000)).toBe('75 min');
    expect(formatDuration(60 * 86_400_000)).toBe('60 d');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(15 * 3_600_000)).toBe('15 h');
    expect(formatDuration(86_400_000 * 7)).toBe('1 w');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatAge(4_900)).toBe('4 s ago');
    expect(formatAge(125_000)).toBe('2 min ago');
    expect(formatAge(7_300_000)).toBe('2 h ago');
    expect(formatAge(-50)).toBe('0 s ago');
    expect(formatTime(Date.UTC(2024, 0, 2, 14, 5))).toBe('14:05 UTC');
    expect(formatTime(Date.UTC(2024, 0, 2, 14, 5), true)).toBe('2024-01-02 14:05 UTC');
  });
  it('pattern labels and confidence words', () => {
    expect(patternLabel('engulfing_bullish')).toBe('Engulfing (bullish)');
    expect(patternLabel('three_white_soldiers')).toBe('Three white soldiers');
    expect(patternLabel('doji')).toBe('Doji');
    expect(confidenceWords(0.49)).toBe('worse than a coin flip');
    expect(confidenceWords(0.51)).toBe('about a coin flip');
    expect(confidenceWords(0.55)).toBe('a slight edge');
    expect(confidenceWords(0.6)).toBe('a moderate edge');
    expect(confidenceWords(0.7)).toBe('a strong edge');
    expect(confidenceWords(null)).toBe('no estimate');
  });
});
