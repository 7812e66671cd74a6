import { DEFAULT_MODELS_DIR, nodeModelFiles } from '../core/models/integrity-node';
import { readModelManifest, verifiedReader, type ArtifactReader } from '../core/models/integrity';
import { cnnHandlerFromReader, loadVerifiedModels, type VerifiedModels } from '../core/models/load-verified';
import { loadPatternCnn, PatternCnnLoadError, type PatternCnn } from '../core/models/pattern-cnn';
import { PriceEnsembleLoadError, type PriceEnsemble } from '../core/models/price-ensemble';
import { oneLine } from '../core/util/errors';
import { useNodeWasmFiles } from '../core/models/pattern-cnn-node';
import { loadPriceEnsembleFromDir } from '../core/models/price-ensemble-node';

/**
 * Loads the shipped models from public/models (or `root`) in Node, every file checked against its SHA-256 in the
 * manifest (node:crypto); a model that fails is null with its reason.
 */
export async function loadNodeModels(root: string = DEFAULT_MODELS_DIR): Promise<VerifiedModels> {
  return loadVerifiedModels(nodeModelFiles(root), {
    cnn: (handler) => {
      useNodeWasmFiles();
      return loadPatternCnn({ handler }, { backends: ['wasm', 'cpu'] });
    },
    price: (read) => loadPriceEnsembleFromDir(read),
  });
}

/** A verified reader of one shipped model, or the integrity problem as `LoadError`. */
async function shippedReader(
  root: string,
  key: 'pattern_cnn' | 'price_ensemble',
  LoadError: new (message: string) => Error,
): Promise<ArtifactReader> {
  const hooks = nodeModelFiles(root);
  try {
    return verifiedReader(await readModelManifest(hooks), key, hooks);
  } catch (err) {
    throw new LoadError(oneLine(err));
  }
}

/** The shipped pattern CNN alone (`patterns`), checksums verified; throws PatternCnnLoadError with the reason. */
export async function loadShippedCnn(root: string = DEFAULT_MODELS_DIR): Promise<PatternCnn> {
  const read = await shippedReader(root, 'pattern_cnn', PatternCnnLoadError);
  useNodeWasmFiles();
  return loadPatternCnn({ handler: cnnHandlerFromReader(read) }, { backends: ['wasm', 'cpu'] });
}

/** The shipped price ensemble alone (`predict`), checksums verified; throws PriceEnsembleLoadError with the reason. */
export async function loadShippedPriceEnsemble(root: string = DEFAULT_MODELS_DIR): Promise<PriceEnsemble> {
  return loadPriceEnsembleFromDir(await shippedReader(root, 'price_ensemble', PriceEnsembleLoadError));
}
