import { launchChromium, hasChromium } from '../../tests/helpers/browser';
import { startCnnPage } from '../../tests/e2e/fixtures/cnn-page/harness';
import type { CnnBackend } from '../../src/core/models/pattern-cnn';

export interface BackendCheck {
  backend: string;
  where: string;
  /** Largest |probability - reference probability| over the check windows. */
  max_abs_diff: number;
}

/**
 * Runs the saved model (public/models/pattern-cnn, served by the e2e test page) in Debian Chromium on
 * webgpu (SwiftShader), wasm and cpu, comparing each with `reference` (Node wasm outputs for `windows`).
 * Backends that fail are reported with their error instead of a difference.
 */
export async function checkBrowserBackends(
  windows: Float32Array,
  batch: number,
  reference: Float32Array,
): Promise<{ checks: BackendCheck[]; failures: string[] }> {
  const checks: BackendCheck[] = [];
  const failures: string[] = [];
  if (!hasChromium) return { checks, failures: ['chromium not installed'] };
  const served = await startCnnPage();
  const browser = await launchChromium({ webgpu: true });
  try {
    const page = await browser.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 120_000 });
    for (const backend of ['webgpu', 'wasm', 'cpu'] as CnnBackend[]) {
      try {
        const r = await page.evaluate(([b, w, n]) => window.cnnPage.runCnn(b, w, n, []), [
          backend,
          Array.from(windows),
          batch,
        ] as const);
        let diff = 0;
        r.outputs.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - reference[i]!))));
        checks.push({ backend: r.backend, where: 'chromium (headless, SwiftShader for webgpu)', max_abs_diff: diff });
      } catch (err) {
        failures.push(`${backend}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
  return { checks, failures };
}
