import { describe, expect, it } from 'vitest';
import { toColumns, type Candle } from '../../../src/core/candles/candle';
import { PATTERN_NAMES, type PatternName } from '../../../src/core/patterns/names';
import { detectPatterns, PatternRuleDetector } from '../../../src/core/patterns/rules';
import { hasCandleData, loadCandles, NO_DATA_REASON } from '../../helpers/data';

/** First candle index where streaming flags differ from batch flags, with the pattern, or null. */
function firstDifference(
  streamed: Readonly<Record<PatternName, boolean>>[],
  batch: Record<PatternName, Uint8Array>,
): string | null {
  for (let i = 0; i < streamed.length; i++) {
    for (const p of PATTERN_NAMES) {
      if (streamed[i]![p] !== (batch[p][i] === 1)) return `${p} at candle ${i}`;
    }
  }
  return null;
}

/** Deterministic stand-ins for the still-open candle: how a real candle looks part-way through its interval. */
function partials(c: Candle, k: number): Candle[] {
  const out: Candle[] = [{ ...c, high: c.open, low: c.open, close: c.open, volume: 0 }];
  const mid = (c.high + c.low) / 2;
  out.push({ ...c, high: Math.max(c.open, mid), low: Math.min(c.open, mid), close: mid, volume: c.volume / 2 });
  if (k % 3 === 0) out.push({ ...c, high: c.high * 1.01, low: c.low * 0.99, close: c.high, volume: c.volume });
  return out;
}

function countFlags(batch: Record<PatternName, Uint8Array>): number {
  let s = 0;
  for (const p of PATTERN_NAMES) for (const v of batch[p]) s += v;
  return s;
}

describe.skipIf(!hasCandleData)(`PatternRuleDetector (${hasCandleData ? 'real data' : NO_DATA_REASON})`, () => {
  it('streaming equals batch on a 1m file with a gap and flat zero-volume candles', () => {
    const candles = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv');
    const batch = detectPatterns(toColumns(candles));
    expect(countFlags(batch)).toBeGreaterThan(1000);
    const det = new PatternRuleDetector();
    const streamed = candles.map((c) => det.update(c));
    expect(det.candles).toBe(candles.length);
    expect(firstDifference(streamed, batch)).toBeNull();
  });

  it('streaming with replace-updates of the still-open candle equals batch on the final candles', () => {
    const candles = loadCandles('binance_ETHUSDT_1h_2017-08_2021-06.csv', 6000);
    const batch = detectPatterns(toColumns(candles));
    const det = new PatternRuleDetector();
    const streamed = candles.map((c, k) => {
      const [first, ...rest] = partials(c, k);
      det.update(first!);
      for (const p of rest) det.update(p, true);
      return det.update(c, true);
    });
    expect(det.candles).toBe(candles.length);
    expect(firstDifference(streamed, batch)).toBeNull();
  });

  it('the result for a still-open candle equals batch over the series ending with that partial candle', () => {
    const candles = loadCandles('binance_SOLUSDT_15m_2023-04_2024-04.csv', 3000);
    const det = new PatternRuleDetector();
    const checkAt = new Set([0, 5, 11, 12, 13, 600, 1234, 2047, 2999]);
    for (let k = 0; k < candles.length; k++) {
      const c = candles[k]!;
      const ps = partials(c, k);
      for (let j = 0; j < ps.length; j++) {
        const got = det.update(ps[j]!, j > 0);
        if (!checkAt.has(k)) continue;
        const ref = detectPatterns(toColumns([...candles.slice(0, k), ps[j]!]));
        for (const p of PATTERN_NAMES) expect(got[p], `${p} at ${k} partial ${j}`).toBe(ref[p][k] === 1);
      }
      det.update(c, true);
    }
  });

  it('replace on an empty detector appends; reset starts a new series', () => {
    const candles = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 800);
    const batch = detectPatterns(toColumns(candles));
    const det = new PatternRuleDetector();
    for (const c of candles.slice(0, 100)) det.update(c);
    det.reset();
    expect(det.candles).toBe(0);
    const streamed = candles.map((c, k) => det.update(c, k === 0));
    expect(det.candles).toBe(candles.length);
    expect(firstDifference(streamed, batch)).toBeNull();
  });
});
