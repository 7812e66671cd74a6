import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNodeModels } from '../src/cli/models';
import { runBacktest } from '../src/core/backtest';
import type { SeriesKey } from '../src/core/candles/series-key';
import { parseCandlesCsv } from '../src/feeds/csv';
import { DATA_DIR } from './data';

const FILE = 'binance_BTCUSDT_1m_2024-02_2024-03.csv';
const KEY: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const TARGET_MS = 10_000;

/**
 * Backtest of a 50,000-candle real series with the shipped models (batched features, pattern CNN on tfjs wasm,
 * price ensemble on onnxruntime-web wasm with each candle's signals, then the scoring), one thread as in the
 * browser worker; wall and CPU time of each stage and of the whole against the 10 s target (model loading excluded,
 * reported apart). CPU time is the figure to compare on a loaded machine, where wall time includes waiting.
 */
export async function bench(log: (line: string) => void): Promise<void> {
  const path = join(DATA_DIR, FILE);
  if (!existsSync(path)) {
    log(`backtest: skipped, candle data not found at ${DATA_DIR}`);
    return;
  }
  const candles = parseCandlesCsv(readFileSync(path, 'utf8'), { source: path });
  const l0 = performance.now();
  const models = await loadNodeModels();
  log(
    `backtest: models loaded in ${(performance.now() - l0).toFixed(0)} ms (cnn ${models.cnn?.backend ?? `not loaded: ${models.cnnError}`}, ensemble ${models.price?.backend ?? `not loaded: ${models.priceError}`})`,
  );
  // wall and CPU time per stage (a stage runs from its first progress call to the next stage's); 'price ensemble'
  // includes building each candle's signals as it is served, the last span (after 'signals') the scoring
  const stages = new Map<string, { wall: number; cpu: number }>();
  let stage = 'start';
  let mark = performance.now();
  let cpuMark = process.cpuUsage();
  const close = (): void => {
    const used = process.cpuUsage(cpuMark);
    stages.set(stage, { wall: performance.now() - mark, cpu: (used.user + used.system) / 1000 });
    mark = performance.now();
    cpuMark = process.cpuUsage();
  };
  const t0 = mark;
  const cpu0 = process.cpuUsage();
  const result = await runBacktest(candles, models, {
    key: KEY,
    progress: (s) => {
      if (s === stage) return;
      close();
      stage = s;
    },
  });
  close();
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  stages.delete('start');
  log(
    `backtest: ${candles.length} candles in ${total.toFixed(0)} ms (${total <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS / 1000} s target; ${cpuMs.toFixed(0)} ms of CPU); wall/CPU ms per stage: ` +
      [...stages].map(([s, t]) => `${s} ${t.wall.toFixed(0)}/${t.cpu.toFixed(0)}`).join(', '),
  );
  const r = result.report;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  log(
    `backtest: ${FILE}, cost ${r.cost}: combined ${r.combined.trades} trades, hit ${pct(r.combined.hit_rate ?? 0)}, return ${pct(r.combined.return)}; baseline ${pct(r.baseline.return)}; buy-and-hold ${pct(r.buy_and_hold.return)}`,
  );
}
