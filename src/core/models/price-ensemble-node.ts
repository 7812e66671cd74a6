import { MODEL_DIRS } from './integrity';
import { DEFAULT_MODELS_DIR } from './integrity-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import {
  loadPriceEnsemble,
  type ArtifactReader,
  type LoadPriceEnsembleOptions,
  type PriceEnsemble,
} from './price-ensemble';

/** Node-only helpers for the price ensemble: artifacts read from a folder, onnxruntime-web's Node build. */
export const DEFAULT_PRICE_MODEL_DIR = join(DEFAULT_MODELS_DIR, MODEL_DIRS.price_ensemble);

/** Reads artifacts from `dir`; a missing file becomes "<path>: no such file". */
export function folderReader(dir: string): ArtifactReader {
  return async (name) => {
    const path = join(dir, name);
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`, {
        cause: err,
      });
    }
  };
}

/**
 * Loads the ensemble from a folder (default public/models/price-ensemble), or through a reader (the CLI passes
 * integrity.ts' checksum-verifying one), with single-threaded wasm.
 */
export async function loadPriceEnsembleFromDir(
  dir: string | ArtifactReader = DEFAULT_PRICE_MODEL_DIR,
  options: Omit<LoadPriceEnsembleOptions, 'ort'> = {},
): Promise<PriceEnsemble> {
  ort.env.wasm.numThreads = 1;
  return loadPriceEnsemble(typeof dir === 'string' ? folderReader(dir) : dir, {
    ort,
    backendLabel: 'wasm',
    ...options,
  });
}
