/** One OHLCV candle. `time` is the candle's OPEN time in epoch milliseconds (UTC). */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A candle as it arrives from a stream: `closed` is false while the candle is still forming. */
export interface CandleUpdate {
  candle: Candle;
  closed: boolean;
}

/** Column-oriented candles for batch computation over typed arrays. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function toColumns(candles: readonly Candle[]): CandleColumns {
  const n = candles.length;
  const cols: CandleColumns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    cols.time[i] = c.time;
    cols.open[i] = c.open;
    cols.high[i] = c.high;
    cols.low[i] = c.low;
    cols.close[i] = c.close;
    cols.volume[i] = c.volume;
  }
  return cols;
}

export function fromColumns(cols: CandleColumns): Candle[] {
  const out: Candle[] = new Array<Candle>(cols.time.length);
  for (let i = 0; i < cols.time.length; i++) {
    out[i] = {
      time: cols.time[i]!,
      open: cols.open[i]!,
      high: cols.high[i]!,
      low: cols.low[i]!,
      close: cols.close[i]!,
      volume: cols.volume[i]!,
    };
  }
  return out;
}
