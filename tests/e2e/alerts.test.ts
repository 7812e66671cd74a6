import { describe, expect, it } from 'vitest';
import { formatCandlesCsv } from '../../src/feeds/csv';
import type { EngineApi } from '../../workers/engine-api';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';

interface PageHooks {
  candlecast: { engine: EngineApi };
}

describe.skipIf(!hasChromium || !hasCandleData)('alerts during a replay', () => {
  const app = browserSuite();

  it('a BUY-signal alert fires during a replay: a system notification through the service worker and a log entry that survives a reload', async () => {
    const context = await app.browser.newContext();
    await context.grantPermissions(['notifications'], { origin: app.url });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => 'candlecast' in globalThis);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // 50 real 1m candles whose candles 27, 32, 35, 37, 40 and 43 carry BUY pattern signals (replayed at 10 candles
    // per second, so the stream computes and pushes the insight of every candle)
    const csv = formatCandlesCsv(loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv').slice(2000, 2050));
    await page.evaluate(
      (text) => (globalThis as unknown as PageHooks).candlecast.engine.importCandles('btc.csv', text, 'BTCUSDT', '1m'),
      csv,
    );
    await page.goto(`${app.url}/?exchange=import&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => 'candlecast' in globalThis);
    expect(await page.getByRole('note').filter({ hasText: 'A closed tab cannot alert' }).count()).toBe(1);
    await page.getByLabel('Condition').selectOption('signal');
    await page.getByLabel('Signal type').selectOption('BUY');
    await page.getByRole('button', { name: 'Add alert' }).click();
    await page.getByTestId('alert-list').getByText('BUY signal').waitFor();

    await page.getByRole('button', { name: '10/s', exact: true }).click();
    await page.getByRole('button', { name: 'Start replay' }).click();
    const entry = page.getByTestId('alert-log').locator('li[data-alert]').first();
    await entry.waitFor({ timeout: 120_000 });
    expect(await entry.textContent()).toContain('BTCUSDT 1m: BUY signal');
    await page.waitForFunction(
      async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0,
      undefined,
      { timeout: 20_000 },
    );
    const shown = await page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body })),
    );
    expect(shown[0]!.title).toBe('BTCUSDT 1m: BUY signal');
    expect(shown[0]!.body).toMatch(/^BUY signal \(/);

    await page.reload();
    await page.getByTestId('alert-log').locator('li[data-alert]').first().waitFor();
    expect(await page.getByTestId('alert-list').getByText('BUY signal').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
