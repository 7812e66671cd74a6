import { describe, expect, it } from 'vitest';
import { toColumns, type Candle, type CandleColumns } from '../../../src/core/candles/candle';
import { detectPatterns, PATTERN_LOOKBACK, PatternRuleDetector } from '../../../src/core/patterns/rules';
import { hasCandleData, loadCandles, NO_DATA_REASON } from '../../helpers/data';

type Ohlc = [open: number, high: number, low: number, close: number];

const candle = ([open, high, low, close]: Ohlc, k: number): Candle => ({
  time: k * 60_000,
  open,
  high,
  low,
  close,
  volume: 1,
});

/** Mirror image in price (p -> 300 - p): white <-> black, highs <-> lows, ranges and bodies unchanged. */
const mirror = ([o, h, l, c]: Ohlc): Ohlc => [300 - o, 300 - l, 300 - h, 300 - c];

/**
 * Hand-made series, all ranges 4 so the thresholds are exact binary numbers: Equal = 0.05 * 4 = 0.2,
 * BodyDoji = 0.1 * 4 = 0.4. `base` flat-trend candles, then two rising candles and the pair.
 */
function topSeries(
  opts: { base?: number; highDelta?: number; first?: Ohlc; second?: Ohlc; beforeFirst?: Ohlc } = {},
): Ohlc[] {
  const base = opts.base ?? 9;
  const out: Ohlc[] = [];
  for (let k = 0; k < base; k++) out.push([100, 102, 98, 101]);
  out.push([101, 103, 99, 101.5]);
  out.push(opts.beforeFirst ?? [101.5, 103.5, 99.5, 102]);
  out.push(opts.first ?? [102, 104, 100, 103]); // white, body 1, closes 101.5 < 102 < 103
  out.push(opts.second ?? [103, 104 + (opts.highDelta ?? 0), 100, 102]); // black, body 1
  return out;
}

function detect(series: Ohlc[]): { top: boolean; bottom: boolean; topAny: number; bottomAny: number } {
  const flags = detectPatterns(toColumns(series.map(candle)));
  const last = series.length - 1;
  const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  return {
    top: flags.tweezer_top[last] === 1,
    bottom: flags.tweezer_bottom[last] === 1,
    topAny: sum(flags.tweezer_top),
    bottomAny: sum(flags.tweezer_bottom),
  };
}

describe('tweezer top / bottom on hand-made candles', () => {
  it('has lookback 11', () => {
    expect(PATTERN_LOOKBACK.tweezer_top).toBe(11);
    expect(PATTERN_LOOKBACK.tweezer_bottom).toBe(11);
  });

  it('detects equal highs after an uptrend (white then black), only on the second candle', () => {
    const r = detect(topSeries());
    expect(r).toEqual({ top: true, bottom: false, topAny: 1, bottomAny: 0 });
  });

  it('detects the mirrored bottom (black then white, equal lows after a downtrend)', () => {
    const r = detect(topSeries().map(mirror));
    expect(r).toEqual({ top: false, bottom: true, topAny: 0, bottomAny: 1 });
  });

  it('highs equal within Equal (5% of the 5 prior ranges = 0.2) inclusive, not beyond', () => {
    expect(detect(topSeries({ highDelta: 0.2 })).top).toBe(true);
    expect(detect(topSeries({ highDelta: -0.2 })).top).toBe(true);
    expect(detect(topSeries({ highDelta: 0.25 })).top).toBe(false);
    expect(detect(topSeries({ highDelta: -0.25 })).top).toBe(false);
    expect(detect(topSeries({ highDelta: 0.2 }).map(mirror)).bottom).toBe(true);
    expect(detect(topSeries({ highDelta: 0.25 }).map(mirror)).bottom).toBe(false);
  });

  it('Equal follows the average range of the 5 candles before the first one', () => {
    // Doubling the ranges of those 5 candles (base candles 6..8 and the two trend candles) doubles Equal to 0.4.
    const s = topSeries({ highDelta: 0.35 });
    for (let k = 6; k <= 10; k++) {
      const [o, h, l, c] = s[k]!;
      s[k] = [o, h + 2, l - 2, c];
    }
    expect(detect(s).top).toBe(true);
    expect(detect(topSeries({ highDelta: 0.35 })).top).toBe(false);
  });

  it('needs opposite colors: first white, second black', () => {
    expect(detect(topSeries({ second: [102, 104, 100, 103.5] })).top).toBe(false); // second white
    expect(detect(topSeries({ first: [103, 104, 100, 102] })).top).toBe(false); // first black (no uptrend either)
  });

  it('needs two consecutively higher closes into the first candle', () => {
    expect(detect(topSeries({ beforeFirst: [101.5, 103.5, 99.5, 101.5] })).top).toBe(false); // equal closes
    expect(detect(topSeries({ beforeFirst: [101.5, 103.5, 99.5, 103.25] })).top).toBe(false); // close[i-2] > close[i-1]
  });

  it('needs both real bodies larger than BodyDoji (10% of the 10 prior ranges = 0.4)', () => {
    expect(detect(topSeries({ first: [102.75, 104, 100, 103] })).top).toBe(false); // body 0.25
    expect(detect(topSeries({ second: [103, 104, 100, 102.75] })).top).toBe(false); // body 0.25
    expect(detect(topSeries({ second: [103, 104, 100, 102.5] })).top).toBe(true); // body 0.5
  });

  it('is not reported before the lookback', () => {
    // With 8 base candles the pair ends at index 11 = lookback (reported); with 7 it ends at 10 (warm-up).
    expect(detect(topSeries({ base: 8 })).top).toBe(true);
    expect(detect(topSeries({ base: 7 })).top).toBe(false);
  });

  it('streaming reports the same', () => {
    const det = new PatternRuleDetector();
    const series = topSeries().map(candle);
    const results = series.map((c) => det.update(c));
    expect(results.map((r) => r.tweezer_top)).toEqual(series.map((_, k) => k === series.length - 1));
  });
});

/** A direct (non-rolling) implementation of the documented definition, as an independent reference. */
function referenceTweezers(cols: CandleColumns): { top: Uint8Array; bottom: Uint8Array } {
  const { open, high, low, close } = cols;
  const n = close.length;
  const top = new Uint8Array(n);
  const bottom = new Uint8Array(n);
  const avgRange = (from: number, to: number) => {
    let s = 0;
    for (let j = from; j < to; j++) s += high[j]! - low[j]!;
    return s / (to - from);
  };
  for (let i = 11; i < n; i++) {
    const body1 = Math.abs(close[i - 1]! - open[i - 1]!);
    const body = Math.abs(close[i]! - open[i]!);
    if (!(body1 > 0.1 * avgRange(i - 11, i - 1) && body > 0.1 * avgRange(i - 10, i))) continue;
    const eq = 0.05 * avgRange(i - 6, i - 1);
    const white1 = close[i - 1]! >= open[i - 1]!;
    const white = close[i]! >= open[i]!;
    if (white1 && !white && close[i - 3]! < close[i - 2]! && close[i - 2]! < close[i - 1]!) {
      if (Math.abs(high[i]! - high[i - 1]!) <= eq) top[i] = 1;
    }
    if (!white1 && white && close[i - 3]! > close[i - 2]! && close[i - 2]! > close[i - 1]!) {
      if (Math.abs(low[i]! - low[i - 1]!) <= eq) bottom[i] = 1;
    }
  }
  return { top, bottom };
}

describe.skipIf(!hasCandleData)(`tweezers on real candles (${hasCandleData ? 'real data' : NO_DATA_REASON})`, () => {
  for (const file of ['binance_BTCUSDT_1m_2023-03_2023-05.csv', 'binance_LTCUSDT_1h_2017-12_2021-06.csv']) {
    it(`${file}: agrees with a direct implementation of the definition (rounding aside)`, () => {
      const cols = toColumns(loadCandles(file));
      const flags = detectPatterns(cols);
      const ref = referenceTweezers(cols);
      for (const [name, ours, theirs] of [
        ['tweezer_top', flags.tweezer_top, ref.top],
        ['tweezer_bottom', flags.tweezer_bottom, ref.bottom],
      ] as const) {
        let o = 0;
        let t = 0;
        let both = 0;
        for (let i = 0; i < ours.length; i++) {
          o += ours[i]!;
          t += theirs[i]!;
          both += ours[i]! & theirs[i]!;
        }
        console.log(`[patterns] ${file} ${name}: ours=${o} reference=${t} agree=${both}`);
        expect(t).toBeGreaterThanOrEqual(20);
        expect(both / o).toBeGreaterThanOrEqual(0.99);
        expect(both / t).toBeGreaterThanOrEqual(0.99);
      }
    });
  }
});
