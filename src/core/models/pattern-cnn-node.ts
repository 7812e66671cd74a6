import { MODEL_DIRS } from './integrity';
import { DEFAULT_MODELS_DIR } from './integrity-node';
import type * as tf from './tfjs';
import { env } from './tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  artifactsFromModelJson,
  loadPatternCnn,
  PatternCnnLoadError,
  type LoadPatternCnnOptions,
  type PatternCnn,
} from './pattern-cnn';

/** Node-only helpers for the pattern CNN: a file-system IOHandler and the wasm binaries' location. */
export const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, MODEL_DIRS.pattern_cnn);

let wasmPathsSet = false;

/** Node set-up of tfjs (once per process): the wasm backend reads node_modules/@tensorflow/tfjs-backend-wasm/dist/. */
export function useNodeWasmFiles(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  // Production mode: no debug checks, and no "install tfjs-node" advice printed by the cpu backend on first use
  // (the measured backend choice tries cpu too), which would break the CLI's one-line stderr contract.
  env().set('PROD', true);
  wasmPathsSet = true;
}

function readOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PatternCnnLoadError(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`,
    );
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
        throw new PatternCnnLoadError(`${jsonPath}: not valid JSON`, { cause: err });
      }
      return artifactsFromModelJson(json, jsonPath, async (paths) =>
        paths.map((p) => {
          const b = readOrFail(join(dir, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        }),
      );
    },
  };
}

/** Loads the shipped model (or the one in `dir`) in Node; Node has the wasm and cpu backends. */
export function loadPatternCnnFromDir(
  dir: string = DEFAULT_MODEL_DIR,
  options: LoadPatternCnnOptions = {},
): Promise<PatternCnn> {
  useNodeWasmFiles();
  return loadPatternCnn({ handler: fileSystemHandler(dir) }, { backends: options.backends ?? ['wasm', 'cpu'] });
}
