import { oneLine } from '../core/util/errors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineModels } from '../core/insights/pipeline';
import { skillfulHorizons } from '../core/insights/skill';
import { loadPatternCnnFromDir } from '../core/models/pattern-cnn-node';
import { DEFAULT_PRICE_MODEL_DIR, loadPriceEnsembleFromDir } from '../core/models/price-ensemble-node';

/** Loads the shipped models from public/models in Node; a model that fails is null with its reason. */
export async function loadNodeModels(): Promise<PipelineModels> {
  const [cnn, price] = await Promise.allSettled([loadPatternCnnFromDir(), loadPriceEnsembleFromDir()]);
  return {
    cnn: cnn.status === 'fulfilled' ? cnn.value : null,
    cnnError: cnn.status === 'rejected' ? oneLine(cnn.reason) : null,
    price: price.status === 'fulfilled' ? price.value : null,
    priceError: price.status === 'rejected' ? oneLine(price.reason) : null,
    skillful: skillfulHorizons(readManifest()),
  };
}

/** public/models/manifest.json, or null when it cannot be read. */
function readManifest(): unknown {
  try {
    return JSON.parse(readFileSync(join(DEFAULT_PRICE_MODEL_DIR, '..', 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}
