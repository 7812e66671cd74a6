import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Candle } from '../../src/core/candles/candle';
import { hasChromium, watchErrors } from '../helpers/browser';
import { browserSuite } from '../helpers/app-browser';
import type { FeatureSeries } from '../../workers/engine-api';
import { formatPercent, formatPrice } from '../../src/ui/format';

interface Hooks {
  candlecast: {
    engine: {
      getCandles(symbol: string, tf: string, exchange: string, limit?: number): Promise<Candle[]>;
      getFeatureSeries(symbol: string, tf: string, exchange: string, names: string[]): Promise<FeatureSeries>;
    };
  };
}

interface LegendRead {
  time: number;
  hover: string | null;
  digits: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  change: string;
}

function readLegend(page: Page): Promise<LegendRead> {
  return page.evaluate(() => {
    const el = document.querySelector('.legend')!;
    const f = (name: string) => el.querySelector(`[data-field="legend-${name}"]`)?.textContent?.trim() ?? '';
    return {
      time: Number(el.getAttribute('data-time')),
      hover: el.getAttribute('data-hover'),
      digits: Number(el.getAttribute('data-digits')),
      open: f('open'),
      high: f('high'),
      low: f('low'),
      close: f('close'),
      volume: f('volume'),
      change: f('change'),
    };
  });
}

/** The engine's candles of the simulated stream, read in the page. */
function engineCandles(page: Page): Promise<Candle[]> {
  return page.evaluate(() =>
    (globalThis as unknown as Hooks).candlecast.engine.getCandles('BTCUSDT', '1m', 'simulated', 2000),
  );
}

describe.skipIf(!hasChromium)('Chart legend in Chromium', () => {
  const app = browserSuite();

  it('the legend shows the OHLCV and change of the candle under the mouse, the newest one without it', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(
      () => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) >= 500,
      undefined,
      {
        timeout: 15_000,
      },
    );
    const box = (await page.locator('.chart').boundingBox())!;

    // Without the mouse: the newest candle.
    const idle = await readLegend(page);
    expect(idle.hover).toBe('false');
    const before = await engineCandles(page);
    expect(idle.time).toBeGreaterThanOrEqual(before.at(-2)!.time);

    // Over a candle in the left part of the view (closed, so it no longer changes).
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.waitForFunction(() => document.querySelector('.legend')?.getAttribute('data-hover') === 'true');
    const hover = await readLegend(page);
    const candles = await engineCandles(page);
    const i = candles.findIndex((c) => c.time === hover.time);
    expect(i).toBeGreaterThan(0);
    expect(i).toBeLessThan(candles.length - 1);
    const c = candles[i]!;
    const prev = candles[i - 1]!;
    // Simulated BTC is quoted to the cent: 2 decimals, thousands separators.
    expect(hover.digits).toBe(2);
    expect(hover.open).toBe(formatPrice(c.open, 2));
    expect(hover.high).toBe(formatPrice(c.high, 2));
    expect(hover.low).toBe(formatPrice(c.low, 2));
    expect(hover.close).toBe(formatPrice(c.close, 2));
    expect(hover.close).toMatch(/^\d{1,3}(,\d{3})+\.\d{2}$/);
    expect(Number(hover.volume.replaceAll(',', ''))).toBeCloseTo(c.volume, c.volume >= 100 ? -0.5 : 1);
    const change = c.close - prev.close;
    const sign = change > 0 ? '+' : change < 0 ? '−' : '';
    expect(hover.change).toBe(
      `${sign}${formatPrice(Math.abs(change), 2)} (${sign}${formatPercent(Math.abs(change / prev.close), 2)})`,
    );

    // A candle further right reads differently; leaving the chart returns to the newest.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction(
      (t) => Number(document.querySelector('.legend')?.getAttribute('data-time')) !== t,
      hover.time,
    );
    await page.mouse.move(box.x + box.width / 2, box.y - 40);
    await page.waitForFunction(() => document.querySelector('.legend')?.getAttribute('data-hover') === 'false');
    const after = await readLegend(page);
    const latest = await engineCandles(page);
    expect(after.time).toBeGreaterThanOrEqual(latest.at(-2)!.time);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('overlays and panes chosen in the menu plot the engine’s feature values for the candles on the chart', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(
      () => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) >= 500,
      undefined,
      { timeout: 15_000 },
    );
    await page.locator('.indicators summary').click();
    for (const id of ['sma20', 'bb', 'rsi', 'macd']) await page.locator(`[data-indicator="${id}"]`).check();
    await page.locator('.indicators summary').click();

    // RSI and MACD each in a pane below the price pane.
    expect(await page.locator('.chart').getAttribute('data-panes')).toBe('3');
    const box = (await page.locator('.chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.3);
    await page.waitForFunction(
      () =>
        document.querySelector('.legend')?.getAttribute('data-hover') === 'true' &&
        document.querySelector('.legend [data-feature="sma_20"]')?.getAttribute('data-value') !== '',
      undefined,
      { timeout: 10_000 },
    );
    const shown = await page.evaluate(() => ({
      time: Number(document.querySelector('.legend')!.getAttribute('data-time')),
      values: Object.fromEntries(
        [...document.querySelectorAll('.legend [data-feature]')].map((el) => [
          el.getAttribute('data-feature')!,
          el.getAttribute('data-value')!,
        ]),
      ),
    }));
    const names = Object.keys(shown.values);
    expect(names.sort()).toEqual(
      [
        'sma_20',
        'bb_upper_20_2',
        'bb_middle_20_2',
        'bb_lower_20_2',
        'rsi_14',
        'macd_hist_12_26_9',
        'macd_12_26_9',
        'macd_signal_12_26_9',
      ].sort(),
    );
    await page.screenshot({ path: 'test-results/chart-indicators.png' });
    const [engine, candles] = await page.evaluate(async (n) => {
      const e = (globalThis as unknown as Hooks).candlecast.engine;
      return [
        await e.getFeatureSeries('BTCUSDT', '1m', 'simulated', n),
        await e.getCandles('BTCUSDT', '1m', 'simulated'),
      ] as const;
    }, names);
    const row = engine.time.indexOf(shown.time);
    expect(row).toBeGreaterThan(200);
    for (const n of names) {
      const v = engine.values[n]![row]!;
      expect(Number.isFinite(v)).toBe(true);
      expect(Number(shown.values[n])).toBe(v);
    }
    // The engine's SMA 20 is the mean of the 20 closes up to that candle; the bands sit around it.
    const at = candles.findIndex((c) => c.time === shown.time);
    const mean = candles.slice(at - 19, at + 1).reduce((s, c) => s + c.close, 0) / 20;
    expect(Number(shown.values['sma_20'])).toBeCloseTo(mean, 6);
    expect(Number(shown.values['bb_upper_20_2'])).toBeGreaterThan(mean);
    expect(Number(shown.values['bb_lower_20_2'])).toBeLessThan(mean);
    expect(Number(shown.values['rsi_14'])).toBeGreaterThanOrEqual(0);
    expect(Number(shown.values['rsi_14'])).toBeLessThanOrEqual(100);

    // Volume moves into a pane of its own, with its 20-candle average.
    await page.locator('.indicators summary').click();
    await page.locator('[data-indicator="volume"]').check();
    expect(await page.locator('.chart').getAttribute('data-panes')).toBe('4');
    await page.locator('[data-indicator="volume"]').uncheck();
    expect(await page.locator('.chart').getAttribute('data-panes')).toBe('3');
    await page.locator('.indicators summary').click();

    // The choice survives a reload; unticking removes the lines.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.legend [data-feature="rsi_14"]') !== null, undefined, {
      timeout: 15_000,
    });
    await page.locator('.indicators summary').click();
    for (const id of ['sma20', 'bb', 'rsi', 'macd']) await page.locator(`[data-indicator="${id}"]`).uncheck();
    expect(await page.locator('.legend [data-feature]').count()).toBe(0);
    expect(await page.locator('.chart').getAttribute('data-panes')).toBe('1');
    await page.screenshot({ path: 'test-results/chart-indicators-off.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the pattern filter changes the markers shown; the label stays inside the chart', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    const chart = page.locator('.chart');
    await page.waitForFunction(
      () => Number(document.querySelector('.chart')?.getAttribute('data-marker-total')) > 50,
      undefined,
      { timeout: 15_000 },
    );
    const counts = async () => ({
      shown: Number(await chart.getAttribute('data-marker-count')),
      total: Number(await chart.getAttribute('data-marker-total')),
      mode: await chart.getAttribute('data-marker-filter'),
    });
    // By default only the CNN's detections (at its per-pattern thresholds) are marked, not every rule hit.
    const first = await counts();
    expect(first.mode).toBe('cnn');
    expect(first.shown).toBeLessThan(first.total / 2);

    await page.locator('.patterns summary').click();
    await page.locator('[data-marker-mode="all"]').check();
    const all = await counts();
    expect(all.mode).toBe('all');
    expect(all.shown).toBe(all.total);

    await page.locator('[data-marker-pattern="doji"]').check();
    const doji = await counts();
    expect(doji.mode).toBe('chosen');
    expect(doji.shown).toBeGreaterThan(0);
    expect(doji.shown).toBeLessThan(doji.total);
    const label = page.locator('[data-field="marker-label"]');
    await expect(label.textContent()).resolves.toBe('Doji');
    await page.locator('.patterns summary').click();

    // The label sits inside the plot area (left of the price axis), at any scroll position.
    const box = (await chart.boundingBox())!;
    for (const dx of [0, 400, -250]) {
      if (dx !== 0) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        await page.waitForTimeout(100);
      }
      if ((await label.count()) === 0) continue;
      const l = (await label.boundingBox())!;
      expect(l.x).toBeGreaterThanOrEqual(box.x);
      expect(l.x + l.width).toBeLessThanOrEqual(box.x + box.width - 40);
      expect(l.y).toBeGreaterThanOrEqual(box.y);
    }

    // The filter survives a reload.
    await page.reload();
    await page.waitForFunction(
      () => Number(document.querySelector('.chart')?.getAttribute('data-marker-total')) > 50,
      undefined,
      { timeout: 15_000 },
    );
    const again = await counts();
    expect(again.mode).toBe('chosen');
    expect(again.shown).toBeLessThan(again.total);
    await page.screenshot({ path: 'test-results/chart-markers.png' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
