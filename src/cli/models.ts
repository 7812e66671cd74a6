import { oneLine } from '../core/util/errors';
import type { PipelineModels } from '../core/insights/pipeline';
import { loadPatternCnnFromDir } from '../core/models/pattern-cnn-node';
import { loadPriceEnsembleFromDir } from '../core/models/price-ensemble-node';

/** Loads the shipped models from public/models in Node; a model that fails is null with its reason. */
export async function loadNodeModels(): Promise<PipelineModels> {
  const [cnn, price] = await Promise.allSettled([loadPatternCnnFromDir(), loadPriceEnsembleFromDir()]);
  return {
    cnn: cnn.status === 'fulfilled' ? cnn.value : null,
    cnnError: cnn.status === 'rejected' ? oneLine(cnn.reason) : null,
    price: price.status === 'fulfilled' ? price.value : null,
    priceError: price.status === 'rejected' ? oneLine(price.reason) : null,
  };
}
