import type { PipelineModels } from '../core/insights/pipeline';
import { DEFAULT_MODELS_DIR, nodeModelFiles } from '../core/models/integrity-node';
import { loadVerifiedModels } from '../core/models/load-verified';
import { loadPatternCnn } from '../core/models/pattern-cnn';
import { useNodeWasmFiles } from '../core/models/pattern-cnn-node';
import { loadPriceEnsembleFromDir } from '../core/models/price-ensemble-node';

/**
 * Loads the shipped models from public/models (or `root`) in Node, every file checked against its SHA-256 in the
 * manifest (node:crypto); a model that fails is null with its reason.
 */
export async function loadNodeModels(root: string = DEFAULT_MODELS_DIR): Promise<PipelineModels> {
  return loadVerifiedModels(nodeModelFiles(root), {
    cnn: (handler) => {
      useNodeWasmFiles();
      return loadPatternCnn({ handler }, { backends: ['wasm', 'cpu'] });
    },
    price: (read) => loadPriceEnsembleFromDir(read),
  });
}
