import { describe, expect, it } from 'vitest';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';
import { formatCandlesCsv } from '../../src/feeds/csv';

describe.skipIf(!hasChromium || !hasCandleData)(
  'import: symbol from the file name, timeframe from the timestamps',
  () => {
    const app = browserSuite();

    it('reads {exchange}_{SYMBOL}_{interval} names, detects the timeframe and refuses a wrong one', async () => {
      const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchErrors(page);
      await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
      await page.waitForFunction(() => document.querySelector('.ai')?.getAttribute('data-insight-time'), undefined, {
        timeout: 20_000,
      });
      const hourly = Buffer.from(formatCandlesCsv(loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 300)));

      // The venue prefix is provenance, not the symbol.
      await page.setInputFiles('input[type="file"]', {
        name: 'kraken_ETHUSD_1h_2023-01_2024-01.csv',
        mimeType: 'text/csv',
        buffer: hourly,
      });
      await expect(page.locator('#import-symbol').inputValue()).resolves.toBe('ETHUSD');
      await page.waitForSelector('[data-field="import-guess"]:has-text("1h detected from the timestamps")');
      await expect(page.locator('[data-field="import-guess"]').textContent()).resolves.toContain('kraken');
      await expect(page.locator('#import-timeframe').inputValue()).resolves.toBe('1h');

      // A name that says 1m over hourly candles: the timestamps win.
      await page.setInputFiles('input[type="file"]', {
        name: 'ETHUSDT-1m-2023.csv',
        mimeType: 'text/csv',
        buffer: hourly,
      });
      await page.waitForSelector('[data-field="import-guess"]:has-text("1h detected")');
      await expect(page.locator('#import-timeframe').inputValue()).resolves.toBe('1h');

      // Forced to 1m anyway, the engine refuses with one clear line and imports nothing.
      await page.selectOption('#import-timeframe', '1m');
      await page.click('button:has-text("Import and replay")');
      const alert = page.locator('.card [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('these are 1h candles (from their timestamps), not 1m');
      expect(new URL(page.url()).searchParams.get('exchange')).toBe('simulated');

      await page.selectOption('#import-timeframe', '1h');
      await page.click('button:has-text("Import and replay")');
      await page.waitForSelector('.badge.replay', { timeout: 20_000 });
      await expect(page.locator('[role="status"]:has-text("Imported")').textContent()).resolves.toContain(
        '300 candles of ETHUSDT 1h',
      );
      // Provenance: the file named no venue, so it is shown as an imported file under "import".
      await expect(page.locator('[data-field="provenance"]').textContent()).resolves.toContain('imported file');

      // The kraken file: stored under "import", never as kraken's (or any exchange's) cache; its venue is shown.
      await page.setInputFiles('input[type="file"]', {
        name: 'kraken_ETHUSD_1h_2023-01_2024-01.csv',
        mimeType: 'text/csv',
        buffer: hourly,
      });
      await page.waitForSelector('[data-field="import-guess"]:has-text("1h detected from the timestamps")');
      await page.click('button:has-text("Import and replay")');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('symbol') === 'ETHUSD');
      await page.waitForSelector('[data-field="provenance"]:has-text("imported from kraken")');
      expect(new URL(page.url()).searchParams.get('exchange')).toBe('import');
      const keys = await page.evaluate(async () => {
        const e = (globalThis as unknown as { candlecast: { engine: Record<string, unknown> } }).candlecast.engine;
        const getCandles = e['getCandles'] as (s: string, t: string, x: string) => Promise<unknown[]>;
        return {
          imported: (await getCandles('ETHUSD', '1h', 'import')).length,
          kraken: (await getCandles('ETHUSD', '1h', 'kraken')).length,
        };
      });
      expect(keys).toEqual({ imported: 300, kraken: 0 });
      await page.click('button.watch');
      await page.waitForSelector('li[data-symbol="ETHUSD"] [data-field="venue"]:has-text("kraken")');
      // The provenance survives a reload.
      await page.reload();
      await page.waitForSelector('[data-field="provenance"]:has-text("imported from kraken")', { timeout: 20_000 });
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
