import { createRequire } from 'node:module';
import type { CandleColumns } from '../../../src/core/candles/candle';

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: { outInteger: number[] };
}
interface Talib {
  execute(args: Record<string, unknown>): TalibResult;
}

const talib = createRequire(import.meta.url)('talib') as Talib;

/** TA-Lib's optional inputs for the patterns SPEC §4 pins. */
const OPTIONS: Readonly<Record<string, Record<string, number>>> = {
  CDLMORNINGSTAR: { optInPenetration: 0.3 },
  CDLEVENINGSTAR: { optInPenetration: 0.3 },
  CDLDARKCLOUDCOVER: { optInPenetration: 0.5 },
};

/** Plain-array OHLC, the only input the talib binding reads correctly. */
export interface PlainOhlc {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

export function plainOhlc(cols: CandleColumns): PlainOhlc {
  return {
    open: Array.from(cols.open),
    high: Array.from(cols.high),
    low: Array.from(cols.low),
    close: Array.from(cols.close),
  };
}

/** Runs one TA-Lib CDL function over the whole series: output aligned to the input (0 before begIndex). */
export function talibCandle(fn: string, ohlc: PlainOhlc): { begIndex: number; values: Int32Array } {
  const n = ohlc.close.length;
  const r = talib.execute({ name: fn, startIdx: 0, endIdx: n - 1, ...ohlc, ...OPTIONS[fn] });
  const values = new Int32Array(n);
  const out = r.result.outInteger;
  for (let k = 0; k < r.nbElement; k++) values[r.begIndex + k] = out[k]!;
  return { begIndex: r.begIndex, values };
}
