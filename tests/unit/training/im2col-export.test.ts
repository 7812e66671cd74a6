import * as tf from '../../../training/cnn/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeWasmFiles } from '../../../src/core/models/pattern-cnn-node';
import { WINDOW_FEATURES, WINDOW_LENGTH } from '../../../src/core/patterns/window';
import { mulberry32, normalFrom } from '../../../src/core/util/random';
import { forwardProbabilities, initWeights, toLayersModel, type CnnWeights } from '../../../training/cnn/model';

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const normal = normalFrom(mulberry32(seed));
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => normal() * scale),
    shape,
  );
}

/** Weights with non-zero biases, so every parameter matters in the comparison. */
function weights(seed: number): CnnWeights {
  const w = initWeights(seed);
  [...w.conv, w.hidden, w.dense].forEach((layer, k) =>
    layer.bias.assign(randomTensor(layer.bias.shape, seed + 100 + k, 0.3)),
  );
  return w;
}

describe.each(['cpu', 'wasm'] as const)('im2col training graph vs exported conv1d LayersModel (%s)', (backend) => {
  beforeAll(async () => {
    useNodeWasmFiles();
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('gives the same probabilities (<= 1e-5)', () => {
    const w = weights(3);
    const model = toLayersModel(w);
    const x = randomTensor([32, WINDOW_LENGTH, WINDOW_FEATURES], 9, 2) as tf.Tensor3D;
    const a = forwardProbabilities(w, x).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(a.length).toBe(32 * 15);
    let diff = 0;
    let spread = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      spread = Math.max(spread, Math.abs(a[i]! - a[0]!));
    }
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect(spread).toBeGreaterThan(1e-2); // outputs vary, so the comparison means something
    const layerShapes = model.getWeights().map((t) => t.shape.join('x'));
    expect(layerShapes).toEqual([
      '3x5x32',
      '32',
      '3x32x64',
      '64',
      '3x64x128',
      '128',
      '2560x256',
      '256',
      '256x15',
      '15',
    ]);
    model.dispose();
  });

  it('is deterministic: the same seed gives the same initial weights', () => {
    const a = initWeights(42);
    const b = initWeights(42);
    const c = initWeights(43);
    expect(Array.from(a.conv[1]!.kernel.dataSync())).toEqual(Array.from(b.conv[1]!.kernel.dataSync()));
    expect(Array.from(a.conv[1]!.kernel.dataSync())).not.toEqual(Array.from(c.conv[1]!.kernel.dataSync()));
  });
});
