import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, NO_CHROMIUM_REASON } from '../tests/helpers/browser';
import { CANDLES_DIR, hasCandleData, loadCandles } from '../tests/helpers/data';
import { startPreview } from '../tests/helpers/preview-server';
import { formatCandlesCsv } from '../src/feeds/csv';

/**
 * The page's own speed, measured in Chromium on the built app (dist/):
 *  - candle message -> updated panel: the page records, for every rendered update, the time from the message
 *    reaching the page to the panels' DOM being updated (src/ui/perf.ts); one symbol replayed at 100x.
 *  - frames per second while 10 symbols stream: one replayed at 100x on the chart and panels, nine more in
 *    the watchlist; frame intervals from requestAnimationFrame over 10 s.
 */
const FILE = 'binance_BTCUSDT_1m_2024-02_2024-03.csv';
const WATCH = ['ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'BNBUSDT', 'DOGEUSDT', 'ADAUSDT', 'AVAXUSDT', 'LTCUSDT', 'LINKUSDT'];
const SAMPLE_MS = 12_000;

interface Hooks {
  candlecast: {
    engine: { importCandles(name: string, csv: string, symbol: string, tf: string): Promise<{ candles: number }> };
    perf: { panelLatencies(): number[]; clear(): void };
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

async function startReplay(page: Page, base: string, query: string, csv: string): Promise<void> {
  await page.goto(`${base}/?exchange=simulated&symbol=BTCUSDT&tf=1m`);
  await page.waitForFunction(() => 'candlecast' in globalThis);
  await page.evaluate(
    ([text]) => (globalThis as unknown as Hooks).candlecast.engine.importCandles('bench.csv', text!, 'BTCUSDT', '1m'),
    [csv],
  );
  await page.goto(`${base}/?exchange=import&symbol=BTCUSDT&tf=1m${query}`);
  await page.waitForSelector('button:has-text("Start replay")');
  await page.click('.speeds button:has-text("100×")');
  await page.click('button:has-text("Start replay")');
  await page.waitForSelector('.badge.replay');
  await page.waitForTimeout(2000);
}

async function panelLatency(browser: Browser, base: string, csv: string, log: (line: string) => void): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await startReplay(page, base, '', csv);
  await page.evaluate(() => (globalThis as unknown as Hooks).candlecast.perf.clear());
  await page.waitForTimeout(SAMPLE_MS);
  const samples = (await page.evaluate(() => (globalThis as unknown as Hooks).candlecast.perf.panelLatencies())).sort(
    (a, b) => a - b,
  );
  log(
    `candle message -> updated panel, 1 symbol (replay 100x, ${samples.length} renders in ${SAMPLE_MS / 1000} s): ` +
      `p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, max ${ms(samples.at(-1) ?? Number.NaN)} ` +
      `(target p95 <= 16 ms: ${percentile(samples, 95) <= 16 ? 'met' : 'NOT met'})`,
  );
  await page.close();
}

async function framesWithTenSymbols(browser: Browser, base: string, csv: string, log: (line: string) => void) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await startReplay(page, base, `&watch=${WATCH.join(',')}`, csv);
  await page.waitForFunction((n) => document.querySelectorAll('li[data-symbol]').length === n, WATCH.length);
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  const intervals = await page.evaluate<number[]>(`new Promise((done) => {
    const out = [];
    let last = performance.now();
    const end = last + 10000;
    requestAnimationFrame(function frame(t) {
      out.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else done(out);
    });
  })`);
  const sorted = [...intervals].sort((a, b) => a - b);
  const total = intervals.reduce((a, b) => a + b, 0);
  const long = intervals.filter((i) => i > 1000 / 50).length;
  log(
    `frames with 10 symbols streaming (1 replayed at 100x + 9 in the watchlist, 10 s): ${(intervals.length / (total / 1000)).toFixed(1)} fps, ` +
      `frame p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1) ?? Number.NaN)}, ` +
      `${long} of ${intervals.length} frames over 20 ms`,
  );
  await page.close();
}

export async function bench(log: (line: string) => void): Promise<void> {
  if (!hasChromium) return log(`skipped: ${NO_CHROMIUM_REASON}`);
  if (!hasCandleData) return log(`skipped: no candle data at ${CANDLES_DIR}`);
  if (!existsSync(resolve(import.meta.dirname, '..', 'dist', 'index.html'))) {
    return log('skipped: dist/ is missing (run `npx vite build` first)');
  }
  const csv = formatCandlesCsv(loadCandles(FILE, 3000));
  const { server, url } = await startPreview();
  const browser = await launchChromium();
  try {
    log(`Chromium headless, built app, ${FILE} (first 3000 candles) imported and replayed`);
    await panelLatency(browser, url, csv, log);
    await framesWithTenSymbols(browser, url, csv, log);
  } finally {
    await browser.close();
    await server.close();
  }
}
