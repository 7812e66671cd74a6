/**
 * CI smoke run of `npm run train:cnn` end to end on one real file and a few steps: rule labels, splits,
 * augmentation, the NumPy trainer (Debian's /usr/bin/python3), the tfjs export and its equality check, thresholds
 * on validation and scores on the held-out split. The shipped model and manifest are not touched (CNN_OUT,
 * CNN_NO_MANIFEST). The full run's quality is checked on the shipped model by heldout.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPatternCnnFromDir } from '../../../src/core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { WINDOW_SIZE } from '../../../src/core/patterns/window';
import { TRAIN_CONFIG } from '../../../training/cnn/config';
import { CANDLES_DIR, hasCandleData } from '../../helpers/data';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const ci = Boolean(process.env['CI']);
if (!hasNumpy && !ci) console.warn(`SKIPPING the pattern-CNN training smoke run: ${PYTHON} has no numpy`);
const FILE = 'binance_BTCUSDT_1h_2023-01_2024-01.csv';
const repoRoot = resolve(__dirname, '..', '..', '..');

describe.skipIf(!hasCandleData || (!hasNumpy && !ci))('npm run train:cnn (smoke: one file, 60 steps)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candlecast-cnn-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, exports a loadable tfjs model and scores it on the held-out split', async () => {
    expect(TRAIN_CONFIG.files).toContain(FILE);
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const run = spawnSync(process.execPath, [tsx, join(repoRoot, 'training', 'cnn', 'train.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        CANDLECAST_DATA: CANDLES_DIR,
        CNN_FILES: FILE,
        CNN_STEPS: '60',
        CNN_OUT: join(dir, 'model'),
        CNN_WORK: join(dir, 'work'),
        CNN_NO_MANIFEST: '1',
      },
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/step 60\/60 loss/); // the NumPy trainer ran every step ...
    expect(run.stdout).toMatch(/export check: max \|im2col - conv1d\| = /); // ... and the export matched it
    const macro = /test macro-F1 ([\d.]+) over (\d+) patterns/.exec(run.stdout);
    expect(macro).not.toBeNull();
    expect(Number(macro![1])).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(dir, 'model', 'model.json'))).toBe(true);

    const cnn = await loadPatternCnnFromDir(join(dir, 'model'), { backends: ['wasm', 'cpu'] });
    try {
      expect(cnn.version).toBe(TRAIN_CONFIG.version);
      for (const p of PATTERN_NAMES) expect(cnn.thresholds[p]).toBeGreaterThan(0);
      const out = await cnn.predict(new Float32Array(2 * WINDOW_SIZE), 2);
      expect(out).toHaveLength(2 * PATTERN_NAMES.length);
      // Sigmoid outputs; a window of one flat price saturates (doji: exactly 1 in float32 for the 256-unit network).
      expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    } finally {
      cnn.dispose();
    }
  }, 300_000);
});
