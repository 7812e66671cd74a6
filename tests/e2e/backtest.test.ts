import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { BacktestReport } from '../../src/core/backtest';
import { formatCandlesCsv } from '../../src/feeds/csv';
import type { BacktestRun, EngineApi } from '../../workers/engine-api';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';

interface PageHooks {
  candlecast: { engine: EngineApi; proxy<T>(x: T): T };
}

const FILE = 'binance_ETHUSDT_1h_2023-01_2024-01.csv';

describe.skipIf(!hasChromium || !hasCandleData)('backtest: the CLI and the app agree on an imported real file', () => {
  const app = browserSuite();
  const dir = mkdtempSync(join(tmpdir(), 'candlecast-e2e-backtest-'));
  const csv = formatCandlesCsv(loadCandles(FILE, 3000));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Imports the file and backtests it in the app's worker; `pageTicks` counts a 5 ms page timer between the first
   * progress report and the result: the page's own work goes on while the worker computes (a frozen page counts 0).
   */
  async function appBacktest(
    page: Page,
  ): Promise<{ run: BacktestRun; progress: Array<[string, number]>; pageTicks: number }> {
    return page.evaluate(async (text) => {
      const { engine, proxy } = (globalThis as unknown as PageHooks).candlecast;
      await engine.importCandles('eth-1h.csv', text, 'ETHUSDT', '1h');
      const progress: Array<[string, number]> = [];
      let ticks = 0;
      let ticksAtStart = 0;
      const timer = setInterval(() => ticks++, 5);
      const run = await engine.backtest(
        'ETHUSDT',
        '1h',
        'import',
        { cost: 0.001, slippage: 0 },
        proxy((stage: string, fraction: number) => {
          if (progress.length === 0) ticksAtStart = ticks;
          progress.push([stage, fraction]);
        }),
      );
      clearInterval(timer);
      return { run, progress, pageTicks: ticks - ticksAtStart };
    }, csv);
  }

  it('candlecast backtest <file> equals engine.backtest of the same file imported in Chromium', async () => {
    const input = join(dir, 'eth.csv');
    writeFileSync(input, csv);
    const out = join(dir, 'bt.json');
    expect(await main(['backtest', input, '--out', out])).toBe(0);
    const cli = JSON.parse(readFileSync(out, 'utf8')) as BacktestReport;

    const page = await app.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => 'candlecast' in globalThis);
    const { run, progress, pageTicks } = await appBacktest(page);
    expect(run.cached).toBe(false);
    expect(run.report.model_version).toBe(cli.model_version);
    expect(run.report.model_version).not.toBeNull();
    expect(run.report).toEqual(cli);
    expect(cli.combined.trades).toBeGreaterThan(0);
    expect(progress.map(([s]) => s)).toContain('price ensemble');
    expect(progress.at(-1)).toEqual(['signals', 1]);
    expect(pageTicks).toBeGreaterThan(0); // the page kept running its timers during the backtest

    // a reload reads the cached result from IndexedDB
    await page.reload();
    await page.waitForFunction(() => 'candlecast' in globalThis);
    const again = await appBacktest(page);
    expect(again.run.cached).toBe(true);
    expect(again.run.report).toEqual(cli);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('the backtest panel shows the same numbers in its table, with the equity pane and trade markers', async () => {
    const cli = JSON.parse(readFileSync(join(dir, 'bt.json'), 'utf8')) as BacktestReport;
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => 'candlecast' in globalThis);
    await page.evaluate(
      (text) => (globalThis as unknown as PageHooks).candlecast.engine.importCandles('eth.csv', text, 'ETHUSDT', '1h'),
      csv,
    );
    await page.goto(`${app.url}/?exchange=import&symbol=ETHUSDT&tf=1h`);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const table = page.getByTestId('backtest-table');
    await table.waitFor({ timeout: 180_000 });
    const combined = Number(await table.locator('tr[data-row="combined"]').getAttribute('data-return'));
    expect(combined).toBe(cli.combined.return);
    expect(Number(await table.locator('tr[data-row="baseline"]').getAttribute('data-return'))).toBe(
      cli.baseline.return,
    );
    expect(Number(await page.locator('.bt-chart').getAttribute('data-trades'))).toBe(cli.combined.trades);
    expect(await page.locator('.bt-chart canvas').count()).toBeGreaterThan(0);
    const verdictText = await page.getByTestId('backtest-verdict').textContent();
    expect(verdictText).toContain(cli.combined.return < 0 ? 'lose money after costs' : 'make money after costs');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
