import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { hasChromium, watchErrors } from '../helpers/browser';
import { hasCandleData, loadCandles } from '../helpers/data';
import { browserSuite } from '../helpers/app-browser';
import { formatCandlesCsv } from '../../src/feeds/csv';
import type { Insight } from '../../src/core/insights/types';
import type { EngineStatus, StreamKey, TrackRecord } from '../../workers/engine-api';
import {
  formatCorrelation,
  formatCount,
  formatLogReturn,
  formatPercent,
  formatPrice,
  priceDigits,
} from '../../src/ui/format';
import { patternRows } from '../../src/ui/pattern-rows';

const SHOTS = resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
const SIM: StreamKey = { exchange: 'simulated', symbol: 'BTCUSDT', timeframe: '1m' };
const simUrl = (base: string) => `${base}/?exchange=simulated&symbol=BTCUSDT&tf=1m`;

interface Hooks {
  candlecast: {
    engine: {
      getInsights(symbol: string, tf: string, exchange: string): Promise<Insight | null>;
      getTrackRecord(symbol: string, tf: string, exchange: string): Promise<TrackRecord>;
      getStatus(): Promise<EngineStatus>;
      listSymbols(exchange: string): Promise<string[]>;
    };
  };
}

interface PanelSnapshot {
  insight: Insight | null;
  price: string | null;
  confidence: string | null;
  strongest: string | null;
  horizons: Array<{ h: string; prediction: string; move: string; confidence: string }>;
  patterns: Array<{ name: string; probability: string; rule: string }>;
  signals: string[];
}

/** The engine's getInsights and what the panels show, read in the same task so they can be compared. */
function snapshot(page: Page, key: StreamKey): Promise<PanelSnapshot> {
  return page.evaluate(async (k) => {
    const insight = await (globalThis as unknown as Hooks).candlecast.engine.getInsights(
      k.symbol,
      k.timeframe,
      k.exchange,
    );
    const text = (sel: string) => document.querySelector(sel)?.textContent?.trim() ?? null;
    const cell = (tr: Element, field: string) => tr.querySelector(`[data-field="${field}"]`)?.textContent?.trim() ?? '';
    return {
      insight,
      price: text('[data-field="price"]'),
      confidence: text('[data-field="confidence"]'),
      strongest: document.querySelector('[data-field="strongest"]')?.getAttribute('data-value') ?? null,
      horizons: [...document.querySelectorAll('.horizons tbody tr[data-horizon]')].map((tr) => ({
        h: tr.getAttribute('data-horizon') ?? '',
        prediction: cell(tr, 'prediction'),
        move: cell(tr, 'return'),
        confidence: cell(tr, 'h-confidence'),
      })),
      patterns: [...document.querySelectorAll('li[data-pattern]')].map((li) => ({
        name: li.getAttribute('data-pattern') ?? '',
        probability: li.getAttribute('data-probability') ?? '',
        rule: li.getAttribute('data-rule') ?? '',
      })),
      signals: [...document.querySelectorAll('[data-field="signal"]')].map((li) => li.getAttribute('data-type') ?? ''),
    };
  }, key);
}

/** What the panels must show for `insight`, in the same shape as a snapshot. */
function expected(insight: Insight): Omit<PanelSnapshot, 'insight'> {
  const digits = priceDigits(insight.current_price);
  return {
    price: formatPrice(insight.current_price),
    confidence: formatPercent(insight.confidence),
    strongest: insight.patterns.strongest?.[0] ?? '',
    horizons: ['1', '5', '15', '60'].map((h) => {
      const p = insight.price_predictions[h as '1'];
      return {
        h,
        prediction: formatPrice(p?.prediction, digits),
        move: formatLogReturn(p?.return),
        confidence: formatPercent(p?.confidence),
      };
    }),
    patterns: patternRows(insight.patterns).map((r) => ({
      name: r.name,
      probability: r.probability === null ? '' : String(r.probability),
      rule: String(r.rule),
    })),
    signals: insight.signals.map((s) => s.type),
  };
}

/** Polls until the panels show exactly what getInsights returns (streams move on, so a read can straddle an update). */
async function panelsMatchEngine(page: Page, key: StreamKey, timeoutMs = 10_000): Promise<Insight> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await snapshot(page, key);
    if (last.insight) {
      const { insight, ...shown } = last;
      if (JSON.stringify(shown) === JSON.stringify(expected(insight))) return insight;
    }
    await page.waitForTimeout(100);
  }
  expect(last?.insight, 'getInsights returned an insight').toBeTruthy();
  const { insight, ...shown } = last!;
  expect(shown).toEqual(expected(insight!));
  return insight!;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const [scrollWidth, viewportWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(scrollWidth).toBeLessThanOrEqual(viewportWidth!);
}

async function openSimulated(page: Page, base: string): Promise<number> {
  const t0 = Date.now();
  await page.goto(simUrl(base));
  await page.waitForFunction(() => document.querySelector('.ai')?.getAttribute('data-insight-time'), undefined, {
    timeout: 10_000,
  });
  return Date.now() - t0;
}

/** The shipped models load in the worker; panels are compared and screenshots taken once they have. */
async function waitForModels(page: Page): Promise<void> {
  // waitForFunction does not await an async predicate (a Promise is truthy): poll the worker's status instead.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const loaded = await page.evaluate(async () => {
      const s = await (globalThis as unknown as Hooks).candlecast.engine.getStatus();
      return s.models.pattern_cnn.loaded && s.models.price_ensemble.loaded;
    });
    if (loaded) break;
    if (Date.now() > deadline) throw new Error('the shipped models did not load within 60 s');
    await page.waitForTimeout(250);
  }
  await page.waitForFunction(
    () => !document.querySelector('[data-field="price-model-missing"], [data-field="models-missing"]'),
    undefined,
    { timeout: 10_000 },
  );
  // The ML panel shows the status it last polled: wait for it to catch up (on a phone it is in the Panels tab).
  const inDom = { timeout: 15_000, state: 'attached' } as const;
  await page.waitForSelector('[data-model="pattern_cnn"][data-loaded="true"]', inDom);
  await page.waitForSelector('[data-model="price_ensemble"][data-loaded="true"]', inDom);
}

describe.skipIf(!hasChromium)('UI panels in Chromium', () => {
  const app = browserSuite();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
  });

  it('desktop 1280x800: the panels show the engine’s numbers within 10 s, and a screenshot is taken', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const errors = watchErrors(page);
    const ms = await openSimulated(page, app.url);
    expect(ms).toBeLessThan(10_000);

    await waitForModels(page);
    const insight = await panelsMatchEngine(page, SIM);
    expect(insight.model_status.models_loaded).toBe(true);
    expect(insight.price_predictions['1']).toBeDefined();
    // Every pattern is listed, with the rule verdict beside the CNN's probability.
    expect(await page.locator('li[data-pattern]').count()).toBe(15);

    // The chart drew candles; the fan appears with predictions.
    const chart = page.locator('.chart');
    expect(Number(await chart.getAttribute('data-candle-count'))).toBeGreaterThanOrEqual(500);
    // Patterns of the history (candles that closed before the page opened) are marked at once.
    expect(Number(await chart.getAttribute('data-marker-total'))).toBeGreaterThan(50);
    const fanPoints = Number(await chart.getAttribute('data-fan-points'));
    expect(fanPoints).toBe(
      Object.keys(insight.price_predictions).length === 0 ? 0 : Object.keys(insight.price_predictions).length + 1,
    );
    // The fan's farthest horizon fits in the plot area on a first run (not squeezed against the price axis).
    if (fanPoints > 0) {
      await page.waitForFunction(() => document.querySelector('.chart')?.getAttribute('data-fan-in-view') === 'true');
    }
    await expect(page.locator('.badge.sim').textContent()).resolves.toBe('Simulated');

    // Track record and model state are the engine's.
    await page.waitForSelector('table[data-scope="stream"]');
    const [record, status] = await page.evaluate(async (k) => {
      const e = (globalThis as unknown as Hooks).candlecast.engine;
      return [await e.getTrackRecord(k.symbol, k.timeframe, k.exchange), await e.getStatus()] as const;
    }, SIM);
    expect(await page.locator('table[data-scope="stream"] tbody tr[data-horizon]').count()).toBe(record.stream.length);
    const firstRow = record.stream[0];
    if (firstRow) {
      const row = page.locator(`table[data-scope="stream"] tr[data-horizon="${firstRow.horizon}"]`);
      await expect(row.locator('[data-field="hit-rate"]').textContent()).resolves.toBe(formatPercent(firstRow.hitRate));
      await expect(row.locator('[data-field="ic"]').textContent()).resolves.toBe(formatCorrelation(firstRow.ic));
      await expect(row.locator('[data-field="scored"]').textContent()).resolves.toBe(formatCount(firstRow.scored));
    }
    for (const model of ['pattern_cnn', 'price_ensemble'] as const) {
      await expect(page.locator(`[data-model="${model}"]`).getAttribute('data-loaded')).resolves.toBe(
        String(status.models[model].loaded),
      );
    }

    await noHorizontalScroll(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(SHOTS, 'desktop-1280x800.png') });
    await page.click('button[aria-label^="Switch to light"]');
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('light');
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(SHOTS, 'desktop-1280x800-light.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('phone 390x844: stacked, no horizontal scrolling, panels match the engine, screenshot', async () => {
    const context = await app.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    await waitForModels(page);
    await panelsMatchEngine(page, SIM);
    await noHorizontalScroll(page);
    // Stacked: the prediction panel is below the chart, not beside it.
    const chartBox = await page.locator('.chart-card').boundingBox();
    const aiBox = await page.locator('.ai').boundingBox();
    expect(aiBox!.y).toBeGreaterThanOrEqual(chartBox!.y + chartBox!.height);
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(SHOTS, 'phone-390x844.png') });
    await page.screenshot({ path: resolve(SHOTS, 'phone-390x844-full.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works at 360 px without horizontal scrolling', async () => {
    const page = await app.browser.newPage({ viewport: { width: 360, height: 740 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    await noHorizontalScroll(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pickers: keyboard reachable, symbol list from the engine, state in the URL', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    const symbols = await page.evaluate(() =>
      (globalThis as unknown as Hooks).candlecast.engine.listSymbols('simulated'),
    );
    expect(symbols.length).toBeGreaterThan(0);
    await page.waitForFunction(
      (n) => document.querySelectorAll('#symbol-list option').length === n,
      Math.min(100, symbols.length),
    );

    // Tab order: the three labelled pickers, then the theme toggle.
    const focused: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      focused.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          return el?.closest('label')?.textContent?.trim().split(/\s/)[0] ?? el?.getAttribute('aria-label') ?? '';
        }),
      );
    }
    expect(focused.slice(0, 3)).toEqual(['Exchange', 'Symbol', 'Timeframe']);
    expect(focused[3]).toMatch(/^Switch to (light|dark) theme$/);

    const symbolInput = page.locator('input[list="symbol-list"]');
    await symbolInput.fill('ethusdt');
    await symbolInput.press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('symbol') === 'ETHUSDT');
    await page.waitForFunction(() => document.querySelector('h2')?.textContent?.includes('ETHUSDT'));
    await page.selectOption('select >> nth=1', '5m');
    await page.waitForFunction(() => location.search.includes('tf=5m'));
    await panelsMatchEngine(page, { exchange: 'simulated', symbol: 'ETHUSDT', timeframe: '5m' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('watchlist: streams the watched symbols with the engine’s numbers and opens one on click', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(`${simUrl(app.url)}&watch=ethusdt,SOLUSDT`);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('li[data-symbol] .price')].filter((e) => e.textContent?.trim() !== '—').length ===
        2,
      undefined,
      { timeout: 10_000 },
    );
    expect(
      await page.locator('li[data-symbol]').evaluateAll((els) => els.map((e) => e.getAttribute('data-symbol'))),
    ).toEqual(['ETHUSDT', 'SOLUSDT']);
    await page.click('button[aria-label="Open SOLUSDT"]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('symbol') === 'SOLUSDT');
    await panelsMatchEngine(page, { exchange: 'simulated', symbol: 'SOLUSDT', timeframe: '1m' });
    await page.click('button[aria-label="Stop watching ETHUSDT"]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('watch') === 'SOLUSDT');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ignores endpoint overrides that are not loopback, and says so', async () => {
    const page = await app.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${simUrl(app.url)}&rest=https://api.example.com&ws=ws://127.0.0.1:9`);
    await expect(page.locator('.banner').textContent()).resolves.toContain(
      '?rest= ignored: api.example.com is not a loopback address',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drag and drop: takes the dropped file, guesses symbol and timeframe, shows the engine’s error for a bad file', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    const transfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['time,open,high,low,close,volume\n1700000000000,1,2,0.5,x,3\n'], 'ethusdt_5m.csv'));
      return dt;
    });
    await page.dispatchEvent('label.drop', 'drop', { dataTransfer: transfer });
    await expect(page.locator('#import-symbol').inputValue()).resolves.toBe('ETHUSDT');
    await expect(page.locator('label.drop').textContent()).resolves.toContain('ethusdt_5m.csv');
    await page.click('button:has-text("Import and replay")');
    const alert = page.locator('.card [role="alert"]');
    await alert.waitFor();
    // The engine's one-line CSV error, shown as it is; nothing was imported.
    expect(await alert.textContent()).toMatch(/ethusdt_5m\.csv/);
    expect(new URL(page.url()).searchParams.get('exchange')).toBe('simulated');
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!hasCandleData)('imports a CSV by file picker and replays it with pause, speed and seek', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await openSimulated(page, app.url);
    const candles = loadCandles('binance_BTCUSDT_1m_2024-02_2024-03.csv', 600);
    await page.setInputFiles('input[type="file"]', {
      name: 'BTCUSDT-1m-2024-02.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(formatCandlesCsv(candles)),
    });
    await expect(page.locator('#import-symbol').inputValue()).resolves.toBe('BTCUSDT');
    await page.click('button:has-text("Import and replay")');
    await page.waitForSelector('.badge.replay', { timeout: 10_000 });
    await expect(page.locator('[role="status"]:has-text("Imported")').textContent()).resolves.toContain('600 candles');
    expect(new URL(page.url()).searchParams.get('exchange')).toBe('import');
    await page.waitForFunction(() => Number(document.querySelector('.chart')?.getAttribute('data-candle-count')) > 0);

    // Pause holds the chart still; play resumes.
    await page.click('button:text-is("Pause")');
    await page.waitForSelector('span.state[data-state="paused"]');
    const held = await page.locator('.chart').getAttribute('data-candle-count');
    await page.waitForTimeout(1500);
    expect(await page.locator('.chart').getAttribute('data-candle-count')).toBe(held);
    await page.click('button:text-is("Play")');
    await page.waitForSelector('span.state[data-state="playing"]');

    await page.click('.speeds button:has-text("Max")');
    await page.waitForSelector('span.state[data-state="ended"]', { timeout: 30_000 });
    expect(Number(await page.locator('.chart').getAttribute('data-candle-count'))).toBe(600);
    // Replayed candles get insights like live ones.
    await panelsMatchEngine(page, { exchange: 'replay', symbol: 'BTCUSDT', timeframe: '1m' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: resolve(SHOTS, 'replay-1280x800.png') });

    // Seek back to the middle: the chart is redrawn from the stream rebuilt up to there.
    await page.locator('input[type="range"]').evaluate((el: HTMLInputElement) => {
      el.value = '300';
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForFunction(() => {
      const n = Number(document.querySelector('.chart')?.getAttribute('data-candle-count'));
      return n >= 299 && n <= 301;
    });
    await page.click('button:has-text("Stop and go live")');
    await page.waitForFunction(() => !document.querySelector('.badge.replay'));
    expect(errors).toEqual([]);
    await page.close();
  });
});
