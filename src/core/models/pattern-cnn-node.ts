import type * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPatternCnn, PatternCnnLoadError, type LoadPatternCnnOptions, type PatternCnn } from './pattern-cnn';

/** Node-only helpers for the pattern CNN: a file-system IOHandler and the wasm binaries' location. */
export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public', 'models', 'pattern-cnn');

let wasmPathsSet = false;

/** Points the tfjs wasm backend at node_modules/@tensorflow/tfjs-backend-wasm/dist/ (once per process). */
export function useNodeWasmFiles(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  wasmPathsSet = true;
}

function readOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PatternCnnLoadError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`);
  }
}

/** An IOHandler that loads a layers model (model.json + weight files) from a folder. */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = join(dir, 'model.json');
      let json: unknown;
      try {
        json = JSON.parse(readOrFail(jsonPath).toString('utf8'));
      } catch (err) {
        if (err instanceof PatternCnnLoadError) throw err;
        throw new PatternCnnLoadError(`${jsonPath}: not valid JSON`);
      }
      const modelJson = json as tf.io.ModelJSON;
      if (typeof json !== 'object' || json === null || !Array.isArray(modelJson.weightsManifest)) {
        throw new PatternCnnLoadError(`${jsonPath}: no weightsManifest`);
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of modelJson.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(readOrFail(join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs,
        weightData,
        userDefinedMetadata: modelJson.userDefinedMetadata,
      } as tf.io.ModelArtifacts;
    },
  };
}

/** Loads the shipped model (or the one in `dir`) in Node; Node has the wasm and cpu backends. */
export function loadPatternCnnFromDir(dir: string = DEFAULT_MODEL_DIR, options: LoadPatternCnnOptions = {}): Promise<PatternCnn> {
  useNodeWasmFiles();
  return loadPatternCnn({ handler: fileSystemHandler(dir) }, { backends: options.backends ?? ['wasm', 'cpu'] });
}
