/**
 * TensorFlow.js for training and its tests: the umbrella package (a devDependency: its gradient kernels serve the
 * im2col training graph in model.ts and its gradient check, which the app never runs) on the same tfjs-core
 * instance as the app's parts (src/core/models/tfjs.ts registers the wasm and webgpu backends).
 */
import '../../src/core/models/tfjs';

export * from '@tensorflow/tfjs';
