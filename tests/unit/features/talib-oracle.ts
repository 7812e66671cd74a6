import { createRequire } from 'node:module';
import type { CandleColumns } from '../../../src/core/candles/candle';

const require = createRequire(import.meta.url);

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}
const talib = require('talib') as Talib;

/** One TA-Lib-backed feature: the TA-Lib call that produces it and which output holds it. */
export interface TalibCase {
  feature: string;
  name: string;
  output: string;
  opts?: Record<string, number>;
}

const MA = [5, 10, 20, 50, 100, 200];

export const TALIB_CASES: TalibCase[] = [
  ...MA.map((n) => ({ feature: `sma_${n}`, name: 'SMA', output: 'outReal', opts: { optInTimePeriod: n } })),
  ...MA.map((n) => ({ feature: `ema_${n}`, name: 'EMA', output: 'outReal', opts: { optInTimePeriod: n } })),
  { feature: 'trange', name: 'TRANGE', output: 'outReal' },
  { feature: 'atr_14', name: 'ATR', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'natr_14', name: 'NATR', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'stddev_20', name: 'STDDEV', output: 'outReal', opts: { optInTimePeriod: 20, optInNbDev: 1 } },
  { feature: 'max_high_20', name: 'MAX', output: 'outReal', opts: { optInTimePeriod: 20 } },
  { feature: 'min_low_20', name: 'MIN', output: 'outReal', opts: { optInTimePeriod: 20 } },
  { feature: 'volume_sma_20', name: 'SMA', output: 'outReal', opts: { optInTimePeriod: 20 } },
  { feature: 'obv', name: 'OBV', output: 'outReal' },
  ...[7, 14, 21].map((n) => ({ feature: `rsi_${n}`, name: 'RSI', output: 'outReal', opts: { optInTimePeriod: n } })),
  {
    feature: 'macd_12_26_9',
    name: 'MACD',
    output: 'outMACD',
    opts: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
  },
  {
    feature: 'macd_signal_12_26_9',
    name: 'MACD',
    output: 'outMACDSignal',
    opts: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
  },
  {
    feature: 'macd_hist_12_26_9',
    name: 'MACD',
    output: 'outMACDHist',
    opts: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
  },
  ...(['outSlowK', 'outSlowD'] as const).map((o) => ({
    feature: o === 'outSlowK' ? 'stoch_k_14_3' : 'stoch_d_14_3_3',
    name: 'STOCH',
    output: o,
    opts: {
      optInFastK_Period: 14,
      optInSlowK_Period: 3,
      optInSlowK_MAType: 0,
      optInSlowD_Period: 3,
      optInSlowD_MAType: 0,
    },
  })),
  { feature: 'cci_20', name: 'CCI', output: 'outReal', opts: { optInTimePeriod: 20 } },
  { feature: 'roc_10', name: 'ROC', output: 'outReal', opts: { optInTimePeriod: 10 } },
  { feature: 'mom_10', name: 'MOM', output: 'outReal', opts: { optInTimePeriod: 10 } },
  { feature: 'willr_14', name: 'WILLR', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'mfi_14', name: 'MFI', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'adx_14', name: 'ADX', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'plus_di_14', name: 'PLUS_DI', output: 'outReal', opts: { optInTimePeriod: 14 } },
  { feature: 'minus_di_14', name: 'MINUS_DI', output: 'outReal', opts: { optInTimePeriod: 14 } },
  ...(['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand'] as const).map((o, i) => ({
    feature: ['bb_upper_20_2', 'bb_middle_20_2', 'bb_lower_20_2'][i]!,
    name: 'BBANDS',
    output: o,
    opts: { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
  })),
  {
    feature: 'ultosc_7_14_28',
    name: 'ULTOSC',
    output: 'outReal',
    opts: { optInTimePeriod1: 7, optInTimePeriod2: 14, optInTimePeriod3: 28 },
  },
  { feature: 'ad', name: 'AD', output: 'outReal' },
  { feature: 'adosc_3_10', name: 'ADOSC', output: 'outReal', opts: { optInFastPeriod: 3, optInSlowPeriod: 10 } },
  { feature: 'bop', name: 'BOP', output: 'outReal' },
];

/** TA-Lib's output for a case as a full-length array (NaN before begIndex). Inputs go in as plain arrays. */
export function talibSeries(c: TalibCase, cols: CandleColumns): Float64Array {
  const n = cols.close.length;
  const src =
    c.feature === 'volume_sma_20'
      ? cols.volume
      : c.feature === 'max_high_20'
        ? cols.high
        : c.feature === 'min_low_20'
          ? cols.low
          : cols.close;
  const inReal = Array.from(src);
  const res = talib.execute({
    name: c.name,
    startIdx: 0,
    endIdx: n - 1,
    open: Array.from(cols.open),
    high: Array.from(cols.high),
    low: Array.from(cols.low),
    close: Array.from(cols.close),
    volume: Array.from(cols.volume),
    inReal,
    ...c.opts,
  });
  const out = new Float64Array(n).fill(NaN);
  const vals = res.result[c.output];
  if (!vals) throw new Error(`talib ${c.name} has no output ${c.output}`);
  for (let i = 0; i < res.nbElement; i++) out[res.begIndex + i] = vals[i]!;
  return out;
}
