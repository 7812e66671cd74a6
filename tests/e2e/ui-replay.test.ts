import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';
import type { Candle } from '../../src/core/candles/candle';
import { formatCandlesCsv } from '../../src/feeds/csv';
import { CHART_CAPACITY } from '../../src/ui/chart-model';
import { formatCount, formatTime } from '../../src/ui/format';

const simUrl = (base: string) => `${base}/?exchange=simulated&symbol=BTCUSDT&tf=1m`;

async function openSimulated(page: Page, base: string): Promise<void> {
  await page.goto(simUrl(base));
  await page.waitForFunction(() => document.querySelector('.ai')?.getAttribute('data-insight-time'), undefined, {
    timeout: 20_000,
  });
}

/** Picks `candles` as a CSV file for import (symbol typed in, since the file name is not the point here). */
async function chooseImport(page: Page, candles: readonly Candle[], name: string): Promise<void> {
  await page.setInputFiles('input[type="file"]', {
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(formatCandlesCsv(candles)),
  });
  await page.fill('#import-symbol', 'BTCUSDT');
}

const chartCount = (page: Page) =>
  page
    .locator('.chart')
    .getAttribute('data-candle-count')
    .then((n) => Number(n));

describe.skipIf(!hasChromium || !hasCandleData)('replay in the browser', () => {
  const app = browserSuite();

  it('a 20,000-candle import replayed at Max never stalls a 50 ms main-thread timer', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    const candles = loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv', 20_000);
    expect(candles.length).toBe(20_000);
    await page.click('.speeds button:has-text("100/s")');
    await chooseImport(page, candles, 'btc-20k.csv');
    // The heartbeat: a 50 ms timer on the main thread records the longest gap between its ticks.
    await page.evaluate(() => {
      const w = window as unknown as { beat: { last: number; max: number; ticks: number; long: string[] } };
      w.beat = { last: performance.now(), max: 0, ticks: 0, long: [] };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          w.beat.long.push(`LT ${e.duration.toFixed(0)}@${(e.startTime / 1000).toFixed(1)}`);
      }).observe({ type: 'longtask' });
      setInterval(() => {
        const now = performance.now();
        const gap = now - w.beat.last;
        if (gap > 150) w.beat.long.push(`${gap.toFixed(0)} ms at ${(now / 1000).toFixed(1)} s`);
        w.beat.max = Math.max(w.beat.max, gap);
        w.beat.last = now;
        w.beat.ticks++;
      }, 50);
    });
    const started = Date.now();
    const t0 = await page.evaluate(() => performance.now() / 1000);
    console.log(`heartbeat starts at ${t0.toFixed(1)} s`);
    await page.click('button:has-text("Import and replay")');
    await page.waitForSelector('span.state[data-state="playing"]', { timeout: 60_000 });
    // Pause holds the replay still; Play resumes; then Max to the end.
    await page.waitForFunction(() => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) > 50);
    await page.click('button:text-is("Pause")');
    await page.waitForSelector('span.state[data-state="paused"]');
    // Candles the engine had already taken in still arrive; then the chart holds still.
    await page.waitForTimeout(1000);
    const held = await chartCount(page);
    await page.waitForTimeout(1000);
    expect(await chartCount(page)).toBe(held);
    await page.click('button:text-is("Play")');
    await page.waitForSelector('span.state[data-state="playing"]');
    const maxFrom = Date.now();
    console.log(`Max from ${(await page.evaluate(() => performance.now() / 1000)).toFixed(1)} s`);
    await page.click('.speeds button:has-text("Max")');
    await page.waitForSelector('span.state[data-state="ended"]', { timeout: 240_000 });
    const seconds = (Date.now() - started) / 1000;
    const atMax = (Date.now() - maxFrom) / 1000;
    const beat = await page.evaluate(
      () => (window as unknown as { beat: { max: number; ticks: number; long: string[] } }).beat,
    );
    console.log(
      `20,000-candle import + replay: ${seconds.toFixed(1)} s (${atMax.toFixed(1)} s at Max), main-thread max gap ${beat.max.toFixed(0)} ms over ${beat.ticks} ticks; gaps over 150 ms: ${beat.long.join(', ') || 'none'}`,
    );
    // The chart keeps the newest CHART_CAPACITY candles.
    expect(await chartCount(page)).toBe(CHART_CAPACITY);
    await expect(page.locator('.seek .num').first().textContent()).resolves.toBe(
      `${formatCount(20_000)} / ${formatCount(20_000)}`,
    );
    expect(beat.ticks).toBeGreaterThan(10);
    expect(beat.max).toBeLessThanOrEqual(1000);
    // At CHART_CAPACITY the view still follows the newest candle, without offering a jump (nobody scrolled).
    const chartEl = page.locator('.chart');
    await expect(chartEl.getAttribute('data-behind')).resolves.toBe('false');
    await expect(chartEl.getAttribute('data-newest-in-view')).resolves.toBe('true');
    expect(await page.locator('button:has-text("Jump to latest")').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('seeks from the start to the true position, and offers "jump to latest" after scrolling back', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    const candles = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv', 6000);
    await page.click('.speeds button:has-text("1/s")');
    await chooseImport(page, candles, 'btc-1h.csv');
    await page.selectOption('#import-timeframe', '1h');
    await page.click('button:has-text("Import and replay")');
    await page.waitForSelector('span.state[data-state="playing"]', { timeout: 30_000 });
    // Seek at once (before a candle has closed at 1 candle/s): the slider position is a candle count.
    await page.locator('input[type="range"]').evaluate((el: HTMLInputElement) => {
      el.value = '4552';
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForFunction(() => {
      const label = document.querySelector('.seek .muted')?.textContent ?? '';
      return Number(/Position ([\d,]+)/.exec(label)?.[1]?.replace(/,/g, '')) >= 4552;
    });
    await page.click('button:text-is("Pause")');
    await page.waitForSelector('span.state[data-state="paused"]');
    const label = (await page.locator('.seek .muted').textContent()) ?? '';
    const position = Number(/Position ([\d,]+) \/ 6,000/.exec(label)?.[1]?.replace(/,/g, ''));
    expect(position).toBeGreaterThanOrEqual(4552);
    expect(position).toBeLessThan(4560);
    expect(label).toContain(formatTime(candles[position - 1]!.time, true));
    // The chart holds the newest CHART_CAPACITY of the candles so far (closed, and one still forming at 1/s).
    expect(await chartCount(page)).toBe(CHART_CAPACITY);

    // Drag the chart to older candles: it stops following and offers the jump back.
    await page.locator('.chart').scrollIntoViewIfNeeded();
    const box = (await page.locator('.chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.up();
    await page.waitForSelector('button:has-text("Jump to latest")');
    await page.click('button:has-text("Jump to latest")');
    await page.waitForFunction(() => document.querySelector('.chart')?.getAttribute('data-behind') === 'false');
    expect(errors).toEqual([]);
    await page.close();
  });
});
