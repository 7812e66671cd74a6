import * as tf from '../../../training/cnn/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatternCnnLoadError } from '../../../src/core/models/pattern-cnn';
import { loadPatternCnnFromDir, useNodeWasmFiles } from '../../../src/core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_NORMALIZATION, WINDOW_SIZE } from '../../../src/core/patterns/window';
import { saveLayersModel } from '../../../training/cnn/export';
import { forwardProbabilities, initWeights, toLayersModel } from '../../../training/cnn/model';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pattern-cnn-'));
  dirs.push(d);
  return d;
}

/** Saves a seeded (untrained) model through the same export path as training; returns its folder. */
async function savedModel(): Promise<string> {
  const dir = tempDir();
  await saveLayersModel(toLayersModel(initWeights(5)), dir, {
    version: 'test-1',
    created: '2026-01-01T00:00:00.000Z',
    window_normalization: WINDOW_NORMALIZATION,
    window_length: WINDOW_LENGTH,
    window_features: WINDOW_FEATURES,
    patterns: PATTERN_NAMES,
    thresholds: Object.fromEntries(PATTERN_NAMES.map((p) => [p, 0.5])),
  });
  return dir;
}

function copyModel(from: string): string {
  const to = tempDir();
  for (const f of ['model.json', 'weights.bin']) writeFileSync(join(to, f), readFileSync(join(from, f)));
  return to;
}

async function loadError(dir: string): Promise<PatternCnnLoadError> {
  try {
    (await loadPatternCnnFromDir(dir, { backends: ['cpu'] })).dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(PatternCnnLoadError);
    expect((err as Error).message).not.toContain('\n');
    return err as PatternCnnLoadError;
  }
  throw new Error('expected the load to fail');
}

describe('loadPatternCnn', () => {
  let good: string;
  beforeAll(async () => {
    useNodeWasmFiles();
    await tf.setBackend('cpu');
    good = await savedModel();
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('loads an exported model, reports its backend and reproduces the training graph', async () => {
    const cnn = await loadPatternCnnFromDir(good, { backends: ['wasm', 'cpu'], select: 'first' });
    try {
      expect(cnn.backend).toBe('wasm');
      expect(cnn.version).toBe('test-1');
      expect(cnn.thresholds.doji).toBe(0.5);
      const x = Float32Array.from({ length: 3 * WINDOW_SIZE }, (_, i) => Math.sin(i * 0.37) * 2);
      const out = await cnn.predict(x, 3);
      const ref = forwardProbabilities(initWeights(5), tf.tensor3d(x, [3, WINDOW_LENGTH, WINDOW_FEATURES])).dataSync();
      expect(out).toHaveLength(3 * PATTERN_NAMES.length);
      for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - ref[i]!)).toBeLessThanOrEqual(1e-5);
      await expect(cnn.predict(x, 2)).rejects.toThrow(RangeError);
    } finally {
      cnn.dispose();
    }
  });

  it('falls back past backends that are not available (webgpu/webgl in Node) and says why', async () => {
    const cnn = await loadPatternCnnFromDir(good, { backends: ['webgpu', 'webgl', 'cpu'] });
    try {
      expect(cnn.backend).toBe('cpu');
      expect(Object.keys(cnn.skippedBackends)).toEqual(['webgpu', 'webgl']);
      expect(cnn.skippedBackends.webgpu).toMatch(/webgpu/);
      expect(cnn.selection.reason).toMatch(/^cpu: [\d.]+ ms \(the only usable backend\)$/);
    } finally {
      cnn.dispose();
    }
  });

  it('times every backend on a warm-up batch and keeps the fastest that matches the cpu reference', async () => {
    const cnn = await loadPatternCnnFromDir(good, { backends: ['wasm', 'cpu'] });
    try {
      const { trials, chosen, ranked, reason } = cnn.selection;
      expect(trials.map((t) => t.backend)).toEqual(['wasm', 'cpu']);
      for (const t of trials) {
        expect(t.error).toBeNull();
        expect(t.ms).toBeGreaterThan(0);
        expect(t.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      }
      expect(trials.find((t) => t.backend === 'cpu')!.maxAbsDiff).toBe(0); // the reference itself
      const fastest = [...trials].sort((a, b) => a.ms! - b.ms!)[0]!.backend;
      expect(chosen).toBe(fastest);
      expect(cnn.backend).toBe(fastest);
      expect(ranked).toHaveLength(2);
      expect(reason).toMatch(new RegExp(`^${fastest}: [\\d.]+ ms vs (wasm|cpu) [\\d.]+ ms$`));
      console.log(`backend choice in Node: ${reason}`);
    } finally {
      cnn.dispose();
    }
  });

  it('rejects a backend whose outputs differ from the reference (a wasm Sigmoid off by 1e-3)', async () => {
    const sigmoid = tf.getKernel('Sigmoid', 'wasm');
    expect(sigmoid).toBeDefined();
    tf.unregisterKernel('Sigmoid', 'wasm');
    tf.registerKernel({
      kernelName: 'Sigmoid',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => {
        const wasm = backend as unknown as {
          makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
          typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
        };
        const x = inputs['x']!;
        const out = wasm.makeOutput(x.shape, 'float32');
        const a = wasm.typedArrayFromHeap(x);
        const b = wasm.typedArrayFromHeap(out);
        for (let i = 0; i < a.length; i++) b[i] = 1 / (1 + Math.exp(-a[i]!)) + 1e-3;
        return out;
      },
    });
    try {
      const cnn = await loadPatternCnnFromDir(good, { backends: ['wasm', 'cpu'] });
      try {
        expect(cnn.backend).toBe('cpu');
        expect(cnn.selection.trials.find((t) => t.backend === 'wasm')!.maxAbsDiff).toBeCloseTo(1e-3, 5);
        expect(cnn.skippedBackends.wasm).toMatch(/outputs differ from the cpu reference by 1\.0e-3/);
        expect(cnn.selection.reason).toMatch(
          /^cpu: [\d.]+ ms \(the only usable backend\); wasm rejected: outputs differ/,
        );
      } finally {
        cnn.dispose();
      }
    } finally {
      tf.unregisterKernel('Sigmoid', 'wasm');
      tf.registerKernel(sigmoid!);
    }
  });

  it('falls back to the next backend when the active one fails at run time, and reports it', async () => {
    const cnn = await loadPatternCnnFromDir(good, { backends: ['wasm', 'cpu'], select: 'first' });
    const conv = tf.getKernel('Conv2D', 'wasm');
    expect(conv).toBeDefined();
    try {
      expect(cnn.backend).toBe('wasm');
      const x = Float32Array.from({ length: 2 * WINDOW_SIZE }, (_, i) => Math.cos(i * 0.11));
      const before = await cnn.predict(x, 2);
      // The wasm backend loses a kernel the model needs: the next predict must still answer, from cpu.
      tf.unregisterKernel('Conv2D', 'wasm');
      const after = await cnn.predict(x, 2);
      expect(cnn.backend).toBe('cpu');
      expect(cnn.skippedBackends.wasm).toMatch(/Conv2D/);
      for (let i = 0; i < after.length; i++) expect(Math.abs(after[i]! - before[i]!)).toBeLessThanOrEqual(1e-5);
    } finally {
      if (!tf.getKernel('Conv2D', 'wasm')) tf.registerKernel(conv!);
      cnn.dispose();
    }
  });

  it('rejects a missing model folder', async () => {
    expect((await loadError(join(tempDir(), 'nope'))).message).toMatch(/model\.json: no such file/);
  });

  it('rejects a truncated weights file', async () => {
    const dir = copyModel(good);
    const bin = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), bin.subarray(0, bin.length - 100));
    expect((await loadError(dir)).message).toMatch(/truncated or corrupt weights file/);
  });

  it('rejects non-finite weights', async () => {
    const dir = copyModel(good);
    const bin = readFileSync(join(dir, 'weights.bin'));
    bin.writeFloatLE(NaN, 400);
    writeFileSync(join(dir, 'weights.bin'), bin);
    expect((await loadError(dir)).message).toMatch(/non-finite value at float 100/);
  });

  it('rejects a corrupt model.json', async () => {
    const dir = copyModel(good);
    writeFileSync(join(dir, 'model.json'), '{"format": "layers-model", "modelTop');
    expect((await loadError(dir)).message).toMatch(/not valid JSON/);
  });

  it('rejects a model built for another window normalisation', async () => {
    const dir = copyModel(good);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      userDefinedMetadata: { pattern_cnn: { window_normalization: string } };
    };
    json.userDefinedMetadata.pattern_cnn.window_normalization = 'raw-prices/v0';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect((await loadError(dir)).message).toMatch(/window normalisation "raw-prices\/v0"/);
  });
});
