import * as tf from '../../../training/cnn/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toColumns } from '../../../src/core/candles/candle';
import { buildWindows, WINDOW_FEATURES, WINDOW_LENGTH, WINDOW_SIZE } from '../../../src/core/patterns/window';
import { mulberry32 } from '../../../src/core/util/random';
import { mirrorColumns } from '../../../training/cnn/dataset';
import { initWeights, sigmoidCrossEntropy, weightCount, weightVariables } from '../../../training/cnn/model';
import { simulatedCandles, withOpenGaps } from '../../helpers/synthetic';

const PYTHON = '/usr/bin/python3';
const TRAIN_PY_DIR = resolve(__dirname, '..', '..', '..', 'training', 'cnn');
const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'cnn-numpy-'));

function python(code: string): void {
  const res = spawnSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(TRAIN_PY_DIR)})\n${code}`], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(res.stderr);
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** train.py (the NumPy trainer) must compute what model.ts (tfjs) computes: windows, loss and gradients. */
describe.skipIf(!hasPython)('NumPy trainer matches the tfjs im2col model', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normalises windows exactly like window.ts (original and mirrored candles)', () => {
    const cols = toColumns(withOpenGaps(simulatedCandles(200, 3)));
    for (const c of [cols, mirrorColumns(cols)]) {
      const ends = [19, 77, 199];
      const ts = buildWindows(c, ends);
      const packed = new Float64Array(c.close.length * 5);
      for (let i = 0; i < c.close.length; i++)
        packed.set([c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!], i * 5);
      writeFileSync(join(dir, 'cols.f64'), new Uint8Array(packed.buffer));
      python(
        `import numpy as np, train\ncols = np.fromfile(${JSON.stringify(join(dir, 'cols.f64'))}, dtype=np.float64).reshape(-1, 5)\n` +
          `train.windows(cols, np.array([${ends.join(',')}])).tofile(${JSON.stringify(join(dir, 'win.f32'))})`,
      );
      const py = readF32(join(dir, 'win.f32'));
      expect(py.length).toBe(ts.length);
      for (let i = 0; i < ts.length; i++) expect(Math.abs(py[i]! - ts[i]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('widens a warm start with fewer hidden units without changing its outputs', () => {
    // Stage 15 of pattern-cnn-1.7.0 starts from stage 14's 128-unit weights in the 256-unit network.
    python(
      [
        'import numpy as np, train',
        'narrow = train.init_params(5, np.zeros(15))',
        'rng = np.random.default_rng(3)',
        'shapes = [p.shape for p in narrow[:6]] + [(2560, 128), (128,), (128, 15), (15,)]',
        'narrow = [rng.normal(0, 0.05, s).astype(np.float32) for s in shapes]',
        'flat = np.concatenate([p.ravel() for p in narrow])',
        'wide, hidden = train.warm_start(train.init_params(7, np.zeros(15)), flat)',
        'assert hidden == 128 and wide[6].shape == (2560, train.HIDDEN) and train.HIDDEN > 128, (hidden, wide[6].shape)',
        'assert np.abs(wide[6][:, 128:]).max() > 0 and np.abs(wide[8][128:]).max() == 0',
        'wide[9] = narrow[9]',
        'x = rng.normal(0, 1, (32, 20, 5)).astype(np.float32)',
        'd = np.abs(train.forward(wide, x)[0] - train.forward(narrow, x)[0]).max()',
        'assert d < 1e-4, d',
        'same, h = train.warm_start(train.init_params(7, np.zeros(15)), np.concatenate([p.ravel() for p in wide]))',
        'assert h == train.HIDDEN and all(np.array_equal(a, b) for a, b in zip(same[:9], wide[:9]))',
        'try:',
        '    train.warm_start(train.init_params(7, np.zeros(15)), flat[:-1])',
        '    raise AssertionError("a truncated file was accepted")',
        'except SystemExit:',
        '    pass',
      ].join('\n'),
    );
  });

  // Unweighted, and with train.py's per-pattern loss weights (config patternWeights).
  it.each([
    ['unweighted', undefined],
    ['per-pattern weights', [1, 1, 1, 1, 1, 1, 1, 6, 4, 1, 1, 1, 1, 1, 0.5]],
  ])('computes the same loss and gradients as tf.variableGrads (%s)', (_, weights) => {
    const rand = mulberry32(17);
    const B = 16;
    const w = initWeights(8);
    const vars = weightVariables(w);
    vars.forEach((v, k) => {
      if (v.shape.length === 1)
        v.assign(
          tf.tensor1d(Float32Array.from({ length: v.shape[0]! }, () => (rand() - 0.5) * 0.4 + (k === 9 ? -2 : 0))),
        );
    });
    const x = Float32Array.from({ length: B * WINDOW_SIZE }, () => (rand() - 0.5) * 6);
    const y = Float32Array.from({ length: B * 15 }, () => (rand() < 0.2 ? 1 : 0));
    const flat = new Float32Array(weightCount());
    let o = 0;
    for (const v of vars) {
      flat.set(v.dataSync(), o);
      o += v.size;
    }
    writeFileSync(join(dir, 'p.f32'), new Uint8Array(flat.buffer));
    writeFileSync(join(dir, 'x.f32'), new Uint8Array(x.buffer));
    writeFileSync(join(dir, 'y.f32'), new Uint8Array(y.buffer));
    python(
      [
        'import numpy as np, train',
        `flat = np.fromfile(${JSON.stringify(join(dir, 'p.f32'))}, dtype=np.float32)`,
        'params = train.init_params(0, np.zeros(15)); o = 0',
        'for i, p in enumerate(params):',
        '    params[i] = flat[o:o + p.size].reshape(p.shape).copy(); o += p.size',
        `x = np.fromfile(${JSON.stringify(join(dir, 'x.f32'))}, dtype=np.float32).reshape(-1, 20, 5)`,
        `y = np.fromfile(${JSON.stringify(join(dir, 'y.f32'))}, dtype=np.float32).reshape(-1, 15)`,
        `weights = ${weights ? `np.array(${JSON.stringify(weights)}, dtype=np.float32)` : 'None'}`,
        'loss, grads = train.loss_and_grads(params, x, y, weights)',
        `np.concatenate([[loss]] + [g.ravel() for g in grads]).astype(np.float32).tofile(${JSON.stringify(join(dir, 'g.f32'))})`,
      ].join('\n'),
    );
    const py = readF32(join(dir, 'g.f32'));
    const xt = tf.tensor3d(x, [B, WINDOW_LENGTH, WINDOW_FEATURES]);
    const yt = tf.tensor2d(y, [B, 15]);
    const { value, grads } = tf.variableGrads(() => sigmoidCrossEntropy(w, xt, yt, weights), vars);
    expect(py[0]).toBeCloseTo(value.dataSync()[0]!, 5);
    let off = 1;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      let scale = 0;
      let err = 0;
      for (let i = 0; i < g.length; i++) {
        scale = Math.max(scale, Math.abs(g[i]!));
        err = Math.max(err, Math.abs(g[i]! - py[off + i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(err / scale).toBeLessThanOrEqual(1e-4);
      off += g.length;
    }
    expect(off).toBe(py.length);
  });
});
