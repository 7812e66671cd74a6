import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromColumns, toColumns } from '../src/core/candles/candle';
import { PATTERN_NAMES } from '../src/core/patterns/names';
import { detectPatterns, PATTERN_SPECS, PatternRuleDetector } from '../src/core/patterns/rules';
import { DATA_DIR, loadOneMinuteCandles } from './data';

const TARGET_CANDLES = 1_000_000;
const REPEATS = 3;

interface Talib {
  execute(args: Record<string, unknown>): { result: { outInteger: number[] } };
}

/** Best of REPEATS wall-clock runs, in ms. */
function best(run: () => void): number {
  let ms = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const rate = (n: number, ms: number) => `${((n / ms) * 1000).toExponential(3)} candles/s (${ms.toFixed(0)} ms)`;

/** Rule detection throughput (batch and streaming) against TA-Lib's CDL functions for the same patterns. */
export async function bench(log: (line: string) => void): Promise<void> {
  if (!existsSync(DATA_DIR)) {
    log(`skipped: candle data not found at ${DATA_DIR} (set CANDLECAST_DATA)`);
    return;
  }
  const candles = loadOneMinuteCandles(TARGET_CANDLES);
  const n = candles.length;
  const cols = toColumns(candles);
  const stream = fromColumns(cols);
  const plain = {
    open: Array.from(cols.open),
    high: Array.from(cols.high),
    low: Array.from(cols.low),
    close: Array.from(cols.close),
  };
  const talib = createRequire(import.meta.url)('talib') as Talib;
  const functions = [...new Set(PATTERN_NAMES.map((p) => PATTERN_SPECS[p].talib).filter((f) => f !== null))];
  const options: Record<string, Record<string, number>> = {
    CDLMORNINGSTAR: { optInPenetration: 0.3 },
    CDLEVENINGSTAR: { optInPenetration: 0.3 },
    CDLDARKCLOUDCOVER: { optInPenetration: 0.5 },
  };
  log(`${n} real 1m candles; TA-Lib: ${functions.length} CDL functions (${functions.join(', ')}), plain JS arrays`);

  let sink = 0;
  const batchMs = best(() => {
    const flags = detectPatterns(cols);
    sink += flags.doji[n - 1]!;
  });
  const streamMs = best(() => {
    const det = new PatternRuleDetector();
    for (let i = 0; i < n; i++) if (det.update(stream[i]!).doji) sink++;
  });
  const talibMs = best(() => {
    for (const fn of functions) {
      const r = talib.execute({ name: fn, startIdx: 0, endIdx: n - 1, ...plain, ...options[fn] });
      sink += r.result.outInteger.length;
    }
  });
  log(`candlecast batch (15 patterns):     ${rate(n, batchMs)}`);
  log(`candlecast streaming (15 patterns): ${rate(n, streamMs)}`);
  log(`talib (${functions.length} CDL calls):             ${rate(n, talibMs)}`);
  log(`ratio batch / talib throughput:     ${(talibMs / batchMs).toFixed(2)}x`);
  log(`ratio streaming / talib throughput: ${(talibMs / streamMs).toFixed(2)}x`);
  if (sink < 0) log(String(sink)); // keeps the results observable so no run is optimised away
}
