import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPatternCnnFromDir } from '../../src/core/models/pattern-cnn-node';
import { toColumns } from '../../src/core/candles/candle';
import { buildWindows, WINDOW_LENGTH } from '../../src/core/patterns/window';
import { PATTERN_NAMES } from '../../src/core/patterns/names';
import { simulatedCandles } from '../helpers/synthetic';
import { browserSuite } from '../helpers/app-browser';
import { hasChromium } from '../helpers/browser';
import { startCnnPage } from './fixtures/cnn-page/harness';
import type { CnnPageResult } from './fixtures/cnn-page/main';

const BATCH = 64;

function maxAbsDiff(a: readonly number[] | Float32Array, b: readonly number[] | Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(!hasChromium)('pattern CNN in Chromium: webgpu (SwiftShader), wasm and cpu agree', () => {
  const suite = browserSuite({ webgpu: true, serve: startCnnPage });
  let page: Page;
  let windows: Float32Array;
  const results: Record<string, CnnPageResult> = {};

  beforeAll(async () => {
    page = await suite.browser.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(suite.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 120_000 });
    const cols = toColumns(simulatedCandles(400, 7));
    const ends = Array.from({ length: BATCH }, (_, k) => WINDOW_LENGTH - 1 + k * 5);
    windows = buildWindows(cols, ends);
  });

  for (const backend of ['webgpu', 'wasm', 'cpu'] as const) {
    it(`runs on ${backend} (no silent fallback)`, async () => {
      const r = await page.evaluate(([b, w, n]) => window.cnnPage.runCnn(b, w, n, [1, 64]), [
        backend,
        Array.from(windows),
        BATCH,
      ] as const);
      expect(r.backend).toBe(backend);
      expect(r.outputs).toHaveLength(BATCH * PATTERN_NAMES.length);
      expect(r.outputs.every((v) => v >= 0 && v <= 1)).toBe(true);
      results[backend] = r;
      console.log(
        `pattern CNN in Chromium on ${backend}: load ${r.loadMs.toFixed(0)} ms, batch 1 ${r.latencyMs['1']!.toFixed(2)} ms, batch 64 ${r.latencyMs['64']!.toFixed(2)} ms`,
      );
    });
  }

  it('gives the same outputs on every backend (within 1e-4) and matches Node wasm', async () => {
    const { webgpu, wasm, cpu } = results;
    expect(webgpu && wasm && cpu).toBeTruthy();
    expect(maxAbsDiff(webgpu!.outputs, wasm!.outputs)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(webgpu!.outputs, cpu!.outputs)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(wasm!.outputs, cpu!.outputs)).toBeLessThanOrEqual(1e-4);
    const node = await loadPatternCnnFromDir(undefined, { backends: ['wasm'] });
    try {
      expect(maxAbsDiff(await node.predict(windows, BATCH), wasm!.outputs)).toBeLessThanOrEqual(1e-5);
    } finally {
      node.dispose();
    }
  });

  it('chooses its backend by measurement: the fastest that matches the cpu reference, with the reason', async () => {
    const { backend, selection } = await page.evaluate(() => window.cnnPage.measuredChoice());
    console.log(`backend choice in Chromium: ${selection.reason}`);
    for (const t of selection.trials) {
      console.log(
        `  ${t.backend}: ${t.error ?? `${t.ms!.toFixed(2)} ms per window, max |diff| vs cpu ${t.maxAbsDiff!.toExponential(1)}`}`,
      );
    }
    expect(selection.trials.map((t) => t.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const usable = selection.trials.filter((t) => t.error === null && t.maxAbsDiff! <= 1e-4);
    expect(usable.map((t) => t.backend)).toEqual(expect.arrayContaining(['webgpu', 'wasm', 'cpu']));
    const fastest = [...usable].sort((a, b) => a.ms! - b.ms!)[0]!.backend;
    expect(backend).toBe(fastest);
    expect(selection.chosen).toBe(fastest);
    expect(selection.reason).toMatch(new RegExp(`^${fastest}: [\\d.]+ ms vs `));
  });

  it('reports a missing model with one clear line', async () => {
    const message = await page.evaluate(() => window.cnnPage.loadError('/models/no-such-model/model.json'));
    expect(message).toMatch(/^\/models\/no-such-model\/model\.json: (HTTP 404|not valid JSON)/);
    expect(message).not.toContain('\n');
  });
});
