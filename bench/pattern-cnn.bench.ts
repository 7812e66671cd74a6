/**
 * Pattern-CNN benchmark: model load time and predict() latency for batch 1 and batch 64 on every tfjs
 * backend Node has (wasm, cpu), then the same in Debian Chromium (webgpu through SwiftShader, wasm, cpu)
 * through the e2e test page when Chromium is installed. Latency = median of repeated runs after a warm-up.
 * Run alone: `node bin/candlecast.js bench --only pattern-cnn`.
 */
import { toColumns } from '../src/core/candles/candle';
import type { CnnBackend } from '../src/core/models/pattern-cnn';
import { loadPatternCnnFromDir } from '../src/core/models/pattern-cnn-node';
import { buildWindows, WINDOW_LENGTH } from '../src/core/patterns/window';
import { simulatedCandles } from '../tests/helpers/synthetic';

const RUNS = 30;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function testWindows(n: number): Float32Array {
  const cols = toColumns(simulatedCandles(n + WINDOW_LENGTH, 5));
  return buildWindows(
    cols,
    Array.from({ length: n }, (_, k) => WINDOW_LENGTH - 1 + k),
  );
}

async function nodeBackend(backend: CnnBackend, log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const cnn = await loadPatternCnnFromDir(undefined, { backends: [backend] });
  const loadMs = performance.now() - t0;
  const parts: string[] = [];
  for (const batch of [1, 64]) {
    const x = testWindows(batch);
    await cnn.predict(x, batch);
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await cnn.predict(x, batch);
      times.push(performance.now() - t);
    }
    const ms = median(times);
    parts.push(`batch ${batch}: ${ms.toFixed(2)} ms (${((batch * 1000) / ms).toFixed(0)} windows/s)`);
  }
  cnn.dispose();
  log(`node ${backend.padEnd(6)} load ${loadMs.toFixed(0)} ms · ${parts.join(' · ')}`);
}

async function browserBackends(log: (line: string) => void): Promise<void> {
  const { hasChromium, launchChromium } = await import('../tests/helpers/browser');
  if (!hasChromium) {
    log('chromium: not installed, browser backends not measured');
    return;
  }
  const { startCnnPage } = await import('../tests/e2e/fixtures/cnn-page/harness');
  const served = await startCnnPage();
  const browser = await launchChromium({ webgpu: true });
  try {
    const page = await browser.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 120_000 });
    const windows = Array.from(testWindows(64));
    for (const backend of ['webgpu', 'wasm', 'cpu'] as const) {
      try {
        const r = await page.evaluate(([b, w]) => window.cnnPage.runCnn(b, w, 64, [1, 64]), [
          backend,
          windows,
        ] as const);
        log(
          `chromium ${r.backend.padEnd(6)} load ${r.loadMs.toFixed(0)} ms · batch 1: ${r.latencyMs['1']!.toFixed(2)} ms · batch 64: ${r.latencyMs['64']!.toFixed(2)} ms`,
        );
      } catch (err) {
        log(
          `chromium ${backend.padEnd(6)} unavailable: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
        );
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
}

export async function bench(log: (line: string) => void): Promise<void> {
  log('pattern CNN (public/models/pattern-cnn): load time and predict latency, median of 30 runs');
  for (const backend of ['wasm', 'cpu'] as const) await nodeBackend(backend, log);
  await browserBackends(log);
}
