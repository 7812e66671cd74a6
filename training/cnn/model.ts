import * as tf from './tfjs';
import { PATTERN_NAMES } from '../../src/core/patterns/names';
import { WINDOW_FEATURES, WINDOW_LENGTH } from '../../src/core/patterns/window';
import { mulberry32 } from '../../src/core/util/random';

/**
 * The pattern CNN in its training form: three "same"-padded Conv1D blocks (32 -> 64 -> 128 channels,
 * kernel 3, ReLU), flatten, dense(256, ReLU), dense(15) + sigmoid. Each convolution is written as im2col + matMul so
 * it trains on the wasm backend (which has no Conv2DBackpropFilter kernel); the weights keep the
 * Conv1D layout `[kernel, in, out]` so `toLayersModel` maps them one-to-one onto tf.layers.conv1d.
 */
export const CONV_FILTERS = [32, 64, 128] as const;
export const KERNEL_SIZE = 3;
export const OUTPUTS = PATTERN_NAMES.length;
/**
 * Units of the hidden dense layer between the convolutions and the outputs: 256 since pattern-cnn-1.7.0 (128 before;
 * train.py widens a 128-unit warm start without changing what it computes). train.py's HIDDEN is the same number.
 */
export const HIDDEN = 256;
const FLAT = WINDOW_LENGTH * CONV_FILTERS[CONV_FILTERS.length - 1]!;

export interface DenseWeights {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export interface CnnWeights {
  /** Conv1D kernels `[KERNEL_SIZE, in, out]` and biases `[out]`. */
  conv: DenseWeights[];
  /** Hidden dense kernel `[WINDOW_LENGTH * 128, HIDDEN]` and bias `[HIDDEN]` (ReLU). */
  hidden: DenseWeights;
  /** Output kernel `[HIDDEN, OUTPUTS]` and bias `[OUTPUTS]` (sigmoid). */
  dense: DenseWeights;
}

function heUniform(shape: number[], fanIn: number, rand: () => number): tf.Tensor {
  const limit = Math.sqrt(6 / fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (rand() * 2 - 1) * limit;
  return tf.tensor(values, shape);
}

/**
 * Deterministic initial weights (He-uniform from a seeded mulberry32 stream). `outputBias` sets the
 * initial output logits, e.g. log(p / (1 - p)) of each pattern's base rate.
 */
export function initWeights(seed: number, outputBias?: ArrayLike<number>): CnnWeights {
  const rand = mulberry32(seed);
  const conv: DenseWeights[] = [];
  let inChannels: number = WINDOW_FEATURES;
  CONV_FILTERS.forEach((out) => {
    conv.push({
      kernel: tf.variable(heUniform([KERNEL_SIZE, inChannels, out], KERNEL_SIZE * inChannels, rand), true),
      bias: tf.variable(tf.zeros([out]), true),
    });
    inChannels = out;
  });
  const bias = new Float32Array(OUTPUTS);
  if (outputBias) for (let j = 0; j < OUTPUTS; j++) bias[j] = outputBias[j] ?? 0;
  const hidden: DenseWeights = {
    kernel: tf.variable(heUniform([FLAT, HIDDEN], FLAT, rand), true),
    bias: tf.variable(tf.zeros([HIDDEN]), true),
  };
  const dense: DenseWeights = {
    kernel: tf.variable(heUniform([HIDDEN, OUTPUTS], HIDDEN, rand).mul(0.5), true),
    bias: tf.variable(tf.tensor1d(bias), true),
  };
  return { conv, hidden, dense };
}

export function weightVariables(w: CnnWeights): tf.Variable[] {
  return [...w.conv.flatMap((c) => [c.kernel, c.bias]), w.hidden.kernel, w.hidden.bias, w.dense.kernel, w.dense.bias];
}

/** "Same" Conv1D with stride 1 as im2col + matMul: x `[b, T, in]`, kernel `[k, in, out]` -> `[b, T, out]`. */
function conv1dIm2col(x: tf.Tensor3D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor3D {
  const [b, t, inChannels] = x.shape;
  const [k, , out] = kernel.shape as [number, number, number];
  const padLeft = Math.floor((k - 1) / 2);
  const padded = tf.pad(x, [
    [0, 0],
    [padLeft, k - 1 - padLeft],
    [0, 0],
  ]);
  const taps: tf.Tensor3D[] = [];
  for (let j = 0; j < k; j++) taps.push(tf.slice(padded, [0, j, 0], [b, t, inChannels]));
  const cols = tf.concat(taps, 2).reshape([b * t, k * inChannels]);
  const y = tf.add(tf.matMul(cols, kernel.reshape([k * inChannels, out])), bias);
  return tf.relu(y).reshape([b, t, out]);
}

/** Output logits `[b, OUTPUTS]` of windows `[b, WINDOW_LENGTH, WINDOW_FEATURES]`. */
export function forwardLogits(w: CnnWeights, x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    let h = x;
    for (const c of w.conv) h = conv1dIm2col(h, c.kernel, c.bias);
    const flat = h.reshape([x.shape[0], FLAT]);
    const hidden = tf.relu(tf.add(tf.matMul(flat, w.hidden.kernel), w.hidden.bias));
    return tf.add(tf.matMul(hidden, w.dense.kernel), w.dense.bias) as tf.Tensor2D;
  });
}

/** Sigmoid probabilities `[b, OUTPUTS]`. */
export function forwardProbabilities(w: CnnWeights, x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(forwardLogits(w, x)));
}

/**
 * The same network as a standard tf.LayersModel (conv1d layers with "same" padding, flatten, dense
 * with sigmoid), carrying copies of the trained weights: what ships and what tfjs loads at run time.
 */
export function toLayersModel(w: CnnWeights): tf.Sequential {
  const model = tf.sequential({ name: 'pattern_cnn' });
  CONV_FILTERS.forEach((filters, i) => {
    model.add(
      tf.layers.conv1d({
        name: `conv${i + 1}`,
        filters,
        kernelSize: KERNEL_SIZE,
        padding: 'same',
        activation: 'relu',
        ...(i === 0 ? { inputShape: [WINDOW_LENGTH, WINDOW_FEATURES] } : {}),
      }),
    );
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'hidden', units: HIDDEN, activation: 'relu' }));
  model.add(tf.layers.dense({ name: 'patterns', units: OUTPUTS, activation: 'sigmoid' }));
  model.setWeights(weightVariables(w).map((v) => v.clone()));
  return model;
}

/** Number of floats of all weights, in the order of `weightVariables`. */
export function weightCount(): number {
  let n = 0;
  let inChannels: number = WINDOW_FEATURES;
  for (const out of CONV_FILTERS) {
    n += KERNEL_SIZE * inChannels * out + out;
    inChannels = out;
  }
  return n + FLAT * HIDDEN + HIDDEN + HIDDEN * OUTPUTS + OUTPUTS;
}

/** Weights from one flat array in the order of `weightVariables` (conv kernels `[k, in, out]`, biases, dense). */
export function weightsFromFlat(values: Float32Array): CnnWeights {
  if (values.length !== weightCount()) throw new Error(`expected ${weightCount()} weights, got ${values.length}`);
  let offset = 0;
  const take = (shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.variable(tf.tensor(values.slice(offset, offset + size), shape), true);
    offset += size;
    return t;
  };
  const conv: DenseWeights[] = [];
  let inChannels: number = WINDOW_FEATURES;
  for (const out of CONV_FILTERS) {
    conv.push({ kernel: take([KERNEL_SIZE, inChannels, out]), bias: take([out]) });
    inChannels = out;
  }
  const hidden = { kernel: take([FLAT, HIDDEN]), bias: take([HIDDEN]) };
  return { conv, hidden, dense: { kernel: take([HIDDEN, OUTPUTS]), bias: take([OUTPUTS]) } };
}

/**
 * Mean sigmoid cross-entropy from logits z: y * softplus(-z) + (1 - y) * softplus(z) (the training loss), each
 * output's column multiplied by `columnWeights` when given (train.py's `lossWeights`).
 */
export function sigmoidCrossEntropy(
  w: CnnWeights,
  x: tf.Tensor3D,
  y: tf.Tensor2D,
  columnWeights?: readonly number[],
): tf.Scalar {
  return tf.tidy(() => {
    const z = forwardLogits(w, x);
    const loss = tf.add(tf.mul(y, tf.softplus(tf.neg(z))), tf.mul(tf.sub(1, y), tf.softplus(z)));
    return tf.mean(columnWeights ? tf.mul(loss, tf.tensor1d([...columnWeights])) : loss);
  });
}
