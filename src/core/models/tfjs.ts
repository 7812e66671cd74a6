/**
 * The parts of TensorFlow.js candlecast runs (issue 15 item 7): tfjs-core, tfjs-layers and the four backends the
 * pattern CNN measures (webgpu, webgl, wasm, cpu), instead of the `@tensorflow/tfjs` umbrella package, whose
 * converter and data packages (node-fetch, yargs, argparse, core-js) the app never uses. Import tfjs from here.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
