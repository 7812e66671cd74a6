import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserSuite } from '../helpers/app-browser';
import { hasChromium, watchErrors } from '../helpers/browser';

const VIEW = { width: 390, height: 844 };

/** The element's box lies wholly inside the viewport as it is now (the page not scrolled to it). */
async function inViewport(locator: Locator): Promise<{ y: number; height: number; width: number }> {
  const box = await locator.boundingBox();
  expect(box, 'element is rendered').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(VIEW.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(VIEW.height);
  return box!;
}

const scrollY = (page: Page) => page.evaluate(() => scrollY);

describe.skipIf(!hasChromium)('Phone layout (390x844) in Chromium', () => {
  const app = browserSuite();

  it('symbol, timeframe, import, replay and panels are in the viewport without scrolling, as 44 px targets', async () => {
    const context = await app.browser.newContext({
      viewport: VIEW,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) > 0);

    expect(await scrollY(page)).toBe(0);
    const symbol = await inViewport(page.locator('input[list="symbol-list"]'));
    const timeframe = await inViewport(page.locator('label.tf select'));
    expect(symbol.height).toBeGreaterThanOrEqual(44);
    expect(timeframe.height).toBeGreaterThanOrEqual(44);
    for (const tab of ['signals', 'replay', 'import', 'panels']) {
      const box = await inViewport(page.locator(`.phone-tabs [data-tab="${tab}"]`));
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
    }
    // The chart is on the first screen too.
    const chart = (await page.locator('.chart-card').boundingBox())!;
    expect(chart.y).toBeLessThan(VIEW.height / 2);

    // Each tab brings its section into view, with its main control reachable and touch-sized.
    const sections: Array<[string, string]> = [
      ['replay', '[data-section="replay"] button.btn.primary'],
      ['import', '[data-section="import"] .drop'],
      ['panels', '[data-section="panels"] > section'],
      ['signals', '.ai'],
    ];
    for (const [tab, control] of sections) {
      await page.locator(`.phone-tabs [data-tab="${tab}"]`).tap();
      await expect(page.locator(`.phone-tabs [data-tab="${tab}"]`).getAttribute('aria-current')).resolves.toBe('page');
      const target = page.locator(control).first();
      await target.waitFor({ state: 'visible' });
      const box = (await target.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeLessThan(VIEW.height - 60);
      if (tab === 'replay') expect(box.height).toBeGreaterThanOrEqual(44);
      // Only the chosen section is laid out under the chart.
      const others = sections.filter(([t]) => t !== tab).map(([t]) => t);
      for (const other of others) {
        const visible = await page.locator(`[data-section="${other}"]`).isVisible();
        expect(visible, `${other} hidden while ${tab} is chosen`).toBe(false);
      }
      // The tab bar stays on screen after the jump.
      await inViewport(page.locator(`.phone-tabs [data-tab="${tab}"]`));
    }
    await page.locator('.phone-tabs [data-tab="replay"]').tap();
    await page.screenshot({ path: 'test-results/phone-replay-tab.png' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a desktop shows every section and no tab bar', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${app.url}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
    await page.waitForFunction(() => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) > 0);
    expect(await page.locator('.phone-tabs').isVisible()).toBe(false);
    for (const s of ['signals', 'replay', 'import']) {
      expect(await page.locator(`[data-section="${s}"]`).isVisible()).toBe(true);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
