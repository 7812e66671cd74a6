import { describe, expect, it } from 'vitest';
import { toColumns, type CandleColumns } from '../../../src/core/candles/candle';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { detectPatterns, PATTERN_LOOKBACK } from '../../../src/core/patterns/rules';
import { createRules, PATTERN_SPECS, RULE_KEYS, signalled } from '../../../src/core/patterns/rules/catalog';
import { stepRule } from '../../../src/core/patterns/rules/rule';
import { hasCandleData, loadCandles, NO_DATA_REASON } from '../../helpers/data';
import { plainOhlc, talibCandle } from './talib-oracle';

/**
 * Several symbols and timeframes, including a 1m file with a gap and ~72 flat zero-volume candles; the last two rescale
 * real candles to price levels not in the data (a sub-cent token, a price in the millions).
 */
const FILES: [file: string, priceScale: number][] = [
  ['binance_BTCUSDT_1m_2023-03_2023-05.csv', 1],
  ['binance_DOGEUSDT_1m_2021-04_2021-05.csv', 1],
  ['binance_ETHUSDT_1h_2017-08_2021-06.csv', 1],
  ['binance_SOLUSDT_15m_2023-04_2024-04.csv', 1],
  ['binance_BTCUSDT_5m_2021-01_2021-05.csv', 1],
  ['binance_BNBUSDT_1d_2017-11_2021-06.csv', 1],
  ['binance_DOGEUSDT_1m_2021-04_2021-05.csv', 1e-4],
  ['binance_ETHUSDT_1h_2017-08_2021-06.csv', 1000],
];

function rescaled(cols: CandleColumns, k: number): CandleColumns {
  if (k === 1) return cols;
  const times = (a: Float64Array) => a.map((v) => v * k);
  return { ...cols, open: times(cols.open), high: times(cols.high), low: times(cols.low), close: times(cols.close) };
}

const MIN_OCCURRENCES = 20;

interface Tally {
  ours: number;
  talib: number;
  both: number;
}

describe.skipIf(!hasCandleData)(`candlestick rules vs TA-Lib (${hasCandleData ? 'real data' : NO_DATA_REASON})`, () => {
  const totals = new Map<string, Tally>(PATTERN_NAMES.map((p) => [p, { ours: 0, talib: 0, both: 0 }]));

  for (const [file, k] of FILES) {
    it(`${file}${k === 1 ? '' : `, prices x ${k}`}: every TA-Lib-backed rule equals its CDL function exactly`, () => {
      const cols = rescaled(toColumns(loadCandles(file)), k);
      const n = cols.close.length;
      const ohlc = plainOhlc(cols);
      const flags = detectPatterns(cols);
      const rules = createRules();
      const counts: string[] = [];

      for (const key of RULE_KEYS) {
        const patterns = PATTERN_NAMES.filter((p) => PATTERN_SPECS[p].rule === key);
        const fn = PATTERN_SPECS[patterns[0]!].talib;
        if (fn === null) continue;
        const ref = talibCandle(fn, ohlc);
        expect(rules[key].lookback, `${fn} lookback`).toBe(ref.begIndex);

        // The signed integer output (±100 / ±80) is identical, candle by candle.
        const ours = new Int32Array(n);
        for (let i = 0; i < n; i++) ours[i] = stepRule(rules[key], cols, i, i);
        let firstMismatch = -1;
        for (let i = 0; i < n && firstMismatch < 0; i++) if (ours[i] !== ref.values[i]) firstMismatch = i;
        expect(firstMismatch, `${fn} first mismatching candle`).toBe(-1);

        for (const p of patterns) {
          expect(PATTERN_LOOKBACK[p]).toBe(ref.begIndex);
          const signal = PATTERN_SPECS[p].signal;
          const tally = totals.get(p)!;
          let o = 0;
          let t = 0;
          let both = 0;
          for (let i = 0; i < n; i++) {
            const mine = flags[p][i] === 1;
            const theirs = signalled(signal, ref.values[i]!);
            if (mine) o++;
            if (theirs) t++;
            if (mine && theirs) both++;
          }
          tally.ours += o;
          tally.talib += t;
          tally.both += both;
          counts.push(`${p}=${t}`);
          expect(o, `${p} detections`).toBe(t);
          expect(both, `${p} agreements`).toBe(t);
        }
      }
      console.log(`[patterns] ${file} (${n} candles) TA-Lib occurrences: ${counts.join(' ')}`);
      console.log(
        `[patterns] ${file} tweezer_top=${count(flags.tweezer_top)} tweezer_bottom=${count(flags.tweezer_bottom)}`,
      );
    });
  }

  it('short series: warm-up and first outputs line up with TA-Lib for every length 1..40', () => {
    const cols = toColumns(loadCandles('binance_ETHUSDT_1h_2017-08_2021-06.csv', 40));
    for (let len = 1; len <= 40; len++) {
      const part = sliceColumns(cols, len);
      const ohlc = plainOhlc(part);
      const flags = detectPatterns(part);
      for (const p of PATTERN_NAMES) {
        const spec = PATTERN_SPECS[p];
        expect(flags[p].length).toBe(len);
        if (spec.talib === null) continue;
        const ref = talibCandle(spec.talib, ohlc);
        const want = Array.from(ref.values, (v) => (signalled(spec.signal, v) ? 1 : 0));
        expect(Array.from(flags[p]), `${p} on ${len} candles`).toEqual(want);
      }
    }
  });

  it('precision and recall >= 0.99 over all files for every pattern with >= 20 occurrences', () => {
    const lines: string[] = [];
    for (const p of PATTERN_NAMES) {
      if (PATTERN_SPECS[p].talib === null) continue;
      const t = totals.get(p)!;
      const precision = t.ours === 0 ? 1 : t.both / t.ours;
      const recall = t.talib === 0 ? 1 : t.both / t.talib;
      lines.push(`${p}: talib=${t.talib} ours=${t.ours} precision=${precision.toFixed(4)} recall=${recall.toFixed(4)}`);
      if (t.talib >= MIN_OCCURRENCES) {
        expect(precision, `${p} precision`).toBeGreaterThanOrEqual(0.99);
        expect(recall, `${p} recall`).toBeGreaterThanOrEqual(0.99);
      }
    }
    console.log(`[patterns] totals over ${FILES.length} files:\n  ${lines.join('\n  ')}`);
    // Guard against a vacuous pass: the per-file tests must have run and found patterns.
    expect(totals.get('doji')!.talib).toBeGreaterThan(0);
  });
});

function sliceColumns(cols: CandleColumns, len: number): CandleColumns {
  return {
    time: cols.time.slice(0, len),
    open: cols.open.slice(0, len),
    high: cols.high.slice(0, len),
    low: cols.low.slice(0, len),
    close: cols.close.slice(0, len),
    volume: cols.volume.slice(0, len),
  };
}

function count(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}
