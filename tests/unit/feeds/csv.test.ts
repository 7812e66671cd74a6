import { describe, expect, it } from 'vitest';
import { CandleCsvReader, CsvError, formatCandlesCsv, parseCandlesCsv } from '../../../src/feeds/csv';
import { hasCandleData, loadCandles } from '../../helpers/data';

const HEADER = 'time,open,high,low,close,volume';

function errorOf(text: string): CsvError {
  try {
    parseCandlesCsv(text, { source: 'in.csv' });
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error('expected a CsvError');
}

describe('parseCandlesCsv', () => {
  it('reads the header format with epoch-ms times', () => {
    const candles = parseCandlesCsv(`${HEADER}\n1700000000000,1,2,0.5,1.5,10\n1700000060000,1.5,1.6,1.4,1.45,0\n`);
    expect(candles).toEqual([
      { time: 1700000000000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      { time: 1700000060000, open: 1.5, high: 1.6, low: 1.4, close: 1.45, volume: 0 },
    ]);
  });

  it('reads quoted cells as their values; a cell that is not a number after unquoting is refused', () => {
    const candles = parseCandlesCsv(`${HEADER}\n"1700000000000","1",2, "0.5" ,"1.5","10"\n`);
    expect(candles).toEqual([{ time: 1700000000000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
    expect(() => parseCandlesCsv(`${HEADER}\n1700000000000,"x",2,0.5,1.5,10\n`)).toThrow(/open "x" is not a number/);
  });

  it('reads ISO 8601 times (Z, offsets, bare UTC) and CRLF, BOM and blank lines', () => {
    const text = `\ufeff${HEADER}\r\n2024-01-01T00:00:00Z,1,1,1,1,1\r\n\r\n2024-01-01T01:01:00+01:00,1,1,1,1,1\r\n2024-01-01 00:02,1,1,1,1,1\r\n`;
    expect(parseCandlesCsv(text).map((c) => c.time)).toEqual([
      Date.UTC(2024, 0, 1, 0, 0),
      Date.UTC(2024, 0, 1, 0, 1),
      Date.UTC(2024, 0, 1, 0, 2),
    ]);
  });

  it("reads Binance's raw 12-column kline CSV without a header (ms and µs times)", () => {
    const row = (t: number) => `${t},42000.1,42010.5,41990,42005.2,12.5,${t + 59_999},525000.1,100,6.1,256000.2,0`;
    const candles = parseCandlesCsv(`${row(1700000000000)}\n${row(1700000060000 * 1000)}\n`);
    expect(candles.map((c) => c.time)).toEqual([1700000000000, 1700000060000]);
    expect(candles[0]).toEqual({
      time: 1700000000000,
      open: 42000.1,
      high: 42010.5,
      low: 41990,
      close: 42005.2,
      volume: 12.5,
    });
  });

  it.each([
    ['an empty file', '', 1, 'no candles: the input is empty'],
    ['only a header', `${HEADER}\n`, 2, 'no candles: only a header'],
    ['a bad header', 'date,o,h,l,c,v\n1,1,1,1,1,1', 1, 'bad header "date,o,h,l,c,v"'],
    ['no header and 6 columns', '1700000000000,1,1,1,1,1', 1, 'missing header'],
    ['a short row', `${HEADER}\n1700000000000,1,1,1,1`, 2, 'expected 6 columns, found 5'],
    ['a non-numeric price', `${HEADER}\n1700000000000,1,abc,1,1,1`, 2, 'high "abc" is not a number'],
    ['a NaN price', `${HEADER}\n1700000000000,NaN,1,1,1,1`, 2, 'open "NaN" is not a number'],
    ['an infinite volume', `${HEADER}\n1700000000000,1,1,1,1,Infinity`, 2, 'volume "Infinity" is not a number'],
    ['an overflowing number', `${HEADER}\n1700000000000,1,1,1,1,1e999`, 2, 'volume "1e999" is not a number'],
    ['a bad time', `${HEADER}\nyesterday,1,1,1,1,1`, 2, 'time "yesterday" is not a time'],
    ['high < low', `${HEADER}\n1700000000000,1,1,2,1,1`, 2, 'high 1 < low 2'],
    ['a zero price', `${HEADER}\n1700000000000,0,1,0,1,1`, 2, 'prices must be > 0'],
    ['a negative volume', `${HEADER}\n1700000000000,1,1,1,1,-5`, 2, 'volume -5 is negative'],
    [
      'a duplicate time',
      `${HEADER}\n1700000000000,1,1,1,1,1\n1700000000000,1,1,1,1,1`,
      3,
      'duplicate time 1700000000000',
    ],
    ['unsorted times', `${HEADER}\n1700000060000,1,1,1,1,1\n1700000000000,1,1,1,1,1`, 3, 'unsorted'],
  ])('rejects %s with the line and the problem', (_name, text, line, problem) => {
    const err = errorOf(text);
    expect(err.line).toBe(line);
    expect(err.problem).toContain(problem);
    expect(err.message).toBe(`in.csv:${line}: ${err.problem}`);
    expect(err.message).not.toContain('\n');
  });

  it('checks grid alignment when a timeframe is given', () => {
    expect(() => parseCandlesCsv(`${HEADER}\n1700000001000,1,1,1,1,1`, { timeframe: '1m' })).toThrow(
      /1700000001000 is not aligned to the 1m grid/,
    );
  });

  it('round-trips through formatCandlesCsv', () => {
    const candles = [
      { time: 1700000000000, open: 0.000123, high: 0.00013, low: 0.00012, close: 0.000125, volume: 1e9 },
      { time: 1700000060000, open: 43000.01, high: 43100, low: 42999.99, close: 43050.5, volume: 0.00001 },
    ];
    expect(parseCandlesCsv(formatCandlesCsv(candles))).toEqual(candles);
  });

  it.skipIf(!hasCandleData)('reads every row of a real file with gaps and flat zero-volume candles', () => {
    const candles = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv');
    expect(candles.length).toBe(66087);
    expect(candles.filter((c) => c.volume === 0 && c.high === c.low).length).toBeGreaterThanOrEqual(72);
    expect(parseCandlesCsv(formatCandlesCsv(candles.slice(0, 5000)))).toEqual(candles.slice(0, 5000));
  });
});

/** Every line of `text` through CandleCsvReader.lineBytes (as the command line reads files): candles or the error. */
function readBytes(text: string): { candles: number[][]; error: string | null } {
  const reader = new CandleCsvReader({ source: 'in.csv', onNote: () => undefined });
  const bytes = new TextEncoder().encode(text);
  const into = new Float64Array(6);
  const candles: number[][] = [];
  let start = 0;
  let lineNo = 0;
  try {
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      if (reader.lineBytes(bytes, start, i, ++lineNo, into)) candles.push([...into]);
      start = i + 1;
    }
    reader.finish();
  } catch (err) {
    if (err instanceof CsvError) return { candles: [], error: err.message };
    throw err;
  }
  return { candles, error: null };
}

/** The same through parseCandlesCsv (strings, line by line). */
function readText(text: string): { candles: number[][]; error: string | null } {
  try {
    const candles = parseCandlesCsv(text, { source: 'in.csv', onNote: () => undefined });
    return { candles: candles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]), error: null };
  } catch (err) {
    if (err instanceof CsvError) return { candles: [], error: err.message };
    throw err;
  }
}

describe('CandleCsvReader.lineBytes: numbers read from the bytes', () => {
  /** A random unsigned decimal of 1 to 17 digits with the point anywhere (or none). */
  function decimal(rand: () => number): string {
    const digits = 1 + Math.floor(rand() * 17);
    let s = '';
    for (let d = 0; d < digits; d++) s += String(Math.floor(rand() * 10));
    const point = Math.floor(rand() * (digits + 2)) - 1;
    if (point < 0 || point > digits) return s;
    return `${s.slice(0, point)}.${s.slice(point)}`;
  }

  it('gives the double Number() gives for every decimal (100,000 random cells of 1 to 17 digits)', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const lines = [HEADER];
    const expected: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      let cell = decimal(rand);
      if (cell === '.' || Number(cell) === 0 || Number(cell) > 1e15) cell = '1.5';
      expected.push(Number(cell));
      // every cell as open = high = low = close, so any positive value is a valid candle
      lines.push(`${1_700_000_000_000 + i * 60_000},${cell},${cell},${cell},${cell},${cell}`);
    }
    const { candles, error } = readBytes(`${lines.join('\n')}\n`);
    expect(error).toBeNull();
    expect(candles).toHaveLength(expected.length);
    const wrong = candles.filter((c, i) => [1, 2, 3, 4, 5].some((k) => !Object.is(c[k], expected[i])));
    expect(wrong).toEqual([]);
  });

  const ok = '1700000060000,1.5,1.6,1.4,1.45,0';
  const variants: Array<[string, string]> = [
    ['plain', ok],
    ['seconds', ok.replace('1700000060000', '1700000060')],
    ['microseconds', ok.replace('1700000060000', '1700000060000000')],
    ['ISO time', ok.replace('1700000060000', '2023-11-14T22:14:20Z')],
    ['quoted', '"1700000060000","1.5",1.6,1.4,1.45,0'],
    ['spaces', '1700000060000, 1.5 ,1.6,1.4,1.45,0 '],
    ['exponent', '1700000060000,1.5e0,1.6,1.4,1.45,0'],
    ['sign', '1700000060000,+1.5,1.6,1.4,1.45,-0'],
    ['17 digits', '1700000060000,1.5000000000000001,1.6,1.4,1.45,0'],
    ['leading point', '1700000060000,1.5,1.6,1.4,1.45,.5'],
    ['trailing point', '1700000060000,1.5,1.6,1.4,1.45,5.'],
    ['two points', '1700000060000,1.5,1.6,1.4,1.4.5,0'],
    ['empty cell', '1700000060000,,1.6,1.4,1.45,0'],
    ['point only', '1700000060000,.,1.6,1.4,1.45,0'],
    ['time with a point', '1700000060000.0,1.5,1.6,1.4,1.45,0'],
    ['time beyond 2^53', '99999999999999999,1.5,1.6,1.4,1.45,0'],
    ['five cells', '1700000060000,1.5,1.6,1.4,1.45'],
    ['seven cells', '1700000060000,1.5,1.6,1.4,1.45,0,0'],
    ['duplicate time', '1700000000000,1.5,1.6,1.4,1.45,0'],
    ['earlier time', '1699999940000,1.5,1.6,1.4,1.45,0'],
    ['high below low', '1700000060000,1.5,1.3,1.4,1.45,0'],
    ['high below close', '1700000060000,1.5,1.6,1.4,1.65,0'],
    ['low above open', '1700000060000,1.5,1.6,1.55,1.58,0'],
    ['zero price', '1700000060000,0,1.6,0,1.45,0'],
    ['price above 1e15', '1700000060000,1.5,2000000000000000,1.4,1.45,0'],
    ['volume above 1e18', '1700000060000,1.5,1.6,1.4,1.45,2000000000000000000'],
    ['not a number', '1700000060000,NaN,1.6,1.4,1.45,0'],
    ['non-ASCII', '1700000060000,1.5é,1.6,1.4,1.45,0'],
    ['control character', '1700000060000,1.5\u0001,1.6,1.4,1.45,0'],
  ];
  it.each(variants)('a second line with %s: the same candles or the same error as line()', (_, line) => {
    for (const first of ['1700000000000,1,2,0.5,1.5,10', '1700000000,1,2,0.5,1.5,10']) {
      const text = `${HEADER}\n${first}\n${line}\n`;
      expect(readBytes(text)).toEqual(readText(text));
    }
  });

  it("Binance's 12-column rows: the same candles, and a row with 11 cells the same error", () => {
    const row = (t: number, cells = 12): string =>
      [t, '1.5', '1.6', '1.4', '1.45', '0', t + 59_999, '12.5', 10, '1.5', '2.5', '0'].slice(0, cells).join(',');
    const good = `${row(1_700_000_000_000)}\n${row(1_700_000_060_000)}\n`;
    expect(readBytes(good)).toEqual(readText(good));
    expect(readBytes(good).candles).toHaveLength(2);
    const short = `${good}${row(1_700_000_120_000, 11)}\n`;
    expect(readBytes(short).error).toMatch(/in\.csv:3: expected 12 columns, found 11/);
    expect(readBytes(short)).toEqual(readText(short));
  });
});
