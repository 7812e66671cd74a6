import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { loadNodeModels } from '../../../src/cli/models';
import { runBacktest, scoreSignals } from '../../../src/core/backtest';
import { appSignals } from '../../../src/core/backtest/app-signals';
import type { Candle } from '../../../src/core/candles/candle';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import { InsightPipeline, type PipelineModels } from '../../../src/core/insights/pipeline';
import { WINDOW_LENGTH } from '../../../src/core/patterns/window';
import { hasCandleData, loadCandles } from '../../helpers/data';

const FILE = 'binance_ETHUSDT_1h_2023-01_2024-01.csv';
const KEY: SeriesKey = { exchange: 'csv', symbol: 'ETHUSDT', timeframe: '1h' };
const dir = mkdtempSync(join(tmpdir(), 'candlecast-backtest-'));
let models: PipelineModels;

beforeAll(async () => {
  models = await loadNodeModels();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasCandleData)('backtest on real candles with the shipped models', () => {
  const candles = loadCandles(FILE, 2400);

  it('loads both models (the backtest of the app needs them)', () => {
    expect(models.cnnError).toBeNull();
    expect(models.priceError).toBeNull();
  });

  it("takes the signals exactly as the app's streaming pipeline shows them", async () => {
    const series = await appSignals(candles, models, KEY);
    expect(series.firstScored).toBeGreaterThanOrEqual(50); // the price inputs warm up over 100 candles
    expect(series.firstScored).toBeLessThan(1500);
    const pipeline = new InsightPipeline(KEY, models);
    let compared = 0;
    let withTrades = 0;
    for (let i = 0; i < candles.length; i++) {
      pipeline.update(candles[i]!);
      if (i < series.firstScored - 1 || (i % 37 !== 0 && i !== series.firstScored)) continue;
      const insight = await pipeline.insight();
      expect(series.signals[i], `candle ${i}`).toEqual(i < series.firstScored ? [] : insight!.signals);
      compared++;
      if (insight!.signals.some((s) => s.type !== 'HOLD')) withTrades++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(withTrades).toBeGreaterThan(0);
  }, 120_000);

  it('has no look-ahead: changing candles after t changes no signal and no trade decision before t', async () => {
    const t = 1900;
    const altered: Candle[] = candles.map((c, i) =>
      i <= t
        ? c
        : {
            ...c,
            open: c.open * 1.3,
            high: c.high * 1.35,
            low: c.low * 1.25,
            close: c.close * (i % 2 ? 1.32 : 1.28),
            volume: c.volume * 3,
          },
    );
    const [a, b] = [await appSignals(candles, models, KEY), await appSignals(altered, models, KEY)];
    expect(b.signals.slice(0, t + 1)).toEqual(a.signals.slice(0, t + 1));
    expect(b.signals.slice(t + 1)).not.toEqual(a.signals.slice(t + 1));
    const [ra, rb] = [
      await runBacktest(candles, models, { key: KEY }),
      await runBacktest(altered, models, { key: KEY }),
    ];
    const tt = candles[t]!.time;
    const decided = (r: typeof ra) =>
      r.trades.filter((x) => x.entryTime <= tt).map((x) => [x.entryTime, x.direction, x.exitTime]);
    const finished = (r: typeof ra) => r.trades.filter((x) => x.exitTime <= tt);
    expect(decided(rb)).toEqual(decided(ra));
    expect(finished(rb)).toEqual(finished(ra));
    expect(finished(ra).length).toBeGreaterThan(10);
    expect(rb.report.buy_and_hold.return).not.toBe(ra.report.buy_and_hold.return);
  }, 120_000);

  it('candlecast backtest writes the SPEC §6 JSON, equal to the core run, and costs lower every return', async () => {
    const input = join(dir, 'in.csv');
    writeFileSync(
      input,
      `time,open,high,low,close,volume\n${candles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume].join(',')).join('\n')}\n`,
    );
    const out = join(dir, 'bt.json');
    expect(await main(['backtest', input, '--out', out, '--symbol', 'ETHUSDT', '--timeframe', '1h'])).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    const core = await runBacktest(candles, models, { key: KEY });
    expect(report).toEqual(JSON.parse(JSON.stringify(core.report)));
    expect(Object.keys(report.horizons as object)).toEqual(['1', '5', '15', '60']);
    for (const k of ['trades', 'hit_rate', 'return', 'max_drawdown', 'exposure'])
      expect(report.combined as object).toHaveProperty(k);
    expect(report.cost).toBe(0.001);
    expect(report.candles).toBe(candles.length);
    const first = candles.findIndex((c) => c.time === report.scored_from);
    expect((report.buy_and_hold as { return: number }).return).toBeCloseTo(
      candles.at(-1)!.close / candles[first]!.close - 1,
      12,
    );
    // the same signals scored without cost (the cost also sets the signal threshold, so a run with cost 0
    // would trade other signals): every trade's return is higher by exactly the round-trip cost
    const series = await appSignals(candles, models, KEY, undefined, 0.001);
    const free = scoreSignals(candles, series.signals, series.firstScored, series.modelVersion, {
      cost: 0,
      slippage: 0,
    });
    expect(
      scoreSignals(candles, series.signals, series.firstScored, series.modelVersion, {
        cost: 0.001,
        slippage: 0,
      }).report,
    ).toEqual(core.report);
    expect(free.report.combined.trades).toBe(core.report.combined.trades);
    expect(free.report.combined.hit_rate).toBe(core.report.combined.hit_rate);
    expect(core.report.combined.trades).toBeGreaterThan(0);
    expect(core.report.combined.average_return!).toBeCloseTo(free.report.combined.average_return! - 0.001, 12);
  }, 120_000);

  it('without the price ensemble, scores from the first full CNN window with the signals the pipeline shows', async () => {
    const cnnOnly: PipelineModels = { ...models, price: null, priceError: 'not loaded in this test' };
    const some = candles.slice(0, 400);
    const series = await appSignals(some, cnnOnly, KEY);
    expect(series.firstScored).toBe(WINDOW_LENGTH - 1);
    expect(series.signals.slice(0, WINDOW_LENGTH - 1).every((s) => s.length === 0)).toBe(true);
    const pipeline = new InsightPipeline(KEY, cnnOnly);
    let patternSignals = 0;
    for (let i = 0; i < some.length; i++) {
      pipeline.update(some[i]!);
      if (i < WINDOW_LENGTH - 1) continue;
      const insight = await pipeline.insight();
      expect(series.signals[i], `candle ${i}`).toEqual(insight!.signals);
      patternSignals += series.signals[i]!.length;
    }
    expect(patternSignals).toBeGreaterThan(0);
    const report = (await runBacktest(some, cnnOnly, { key: KEY })).report;
    expect(report.scored_from).toBe(some[WINDOW_LENGTH - 1]!.time);
    expect(report.horizons['1'].trades).toBe(0); // no prediction signals without the predictor
  }, 120_000);

  it('bad options: one line, exit code 2', async () => {
    expect(await main(['backtest', join(dir, 'in.csv'), '--cost', 'abc'])).toBe(2);
    expect(await main(['backtest', join(dir, 'in.csv'), '--cost', '-0.1'])).toBe(2);
    expect(await main(['backtest', join(dir, 'in.csv'), '--timeframe', '7m'])).toBe(2);
  });
});
