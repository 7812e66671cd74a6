import { oneLine } from '../src/core/util/errors';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { loadPatternCnnInBrowser } from '../src/core/models/pattern-cnn-browser';
import { loadPriceEnsembleInBrowser } from '../src/core/models/price-ensemble-browser';

const MODELS_BASE = `${import.meta.env.BASE_URL}models/`;

/** Loads both shipped models in the worker; a model that fails is null with its one-line reason. */
export async function loadBrowserModels(): Promise<PipelineModels> {
  const [cnn, price] = await Promise.allSettled([
    loadPatternCnnInBrowser({ modelUrl: `${MODELS_BASE}pattern-cnn/model.json` }),
    loadPriceEnsembleInBrowser(`${MODELS_BASE}price-ensemble/`),
  ]);
  return {
    cnn: cnn.status === 'fulfilled' ? cnn.value : null,
    cnnError: cnn.status === 'rejected' ? oneLine(cnn.reason) : null,
    price: price.status === 'fulfilled' ? price.value : null,
    priceError: price.status === 'rejected' ? oneLine(price.reason) : null,
  };
}

/** public/models/manifest.json: versions, training data and hold-out metrics of the shipped models. */
export async function fetchManifest(): Promise<unknown> {
  const res = await fetch(`${MODELS_BASE}manifest.json`);
  if (!res.ok) throw new Error(`models/manifest.json: HTTP ${res.status}`);
  return res.json();
}
