import { browserModelFiles } from '../src/core/models/integrity-browser';
import { loadVerifiedModels } from '../src/core/models/load-verified';
import { loadPatternCnnInBrowser } from '../src/core/models/pattern-cnn-browser';
import { loadPriceEnsembleInBrowser } from '../src/core/models/price-ensemble-browser';
import type { PipelineModels } from '../src/core/insights/pipeline';

const MODELS_BASE = `${import.meta.env.BASE_URL}models/`;

/**
 * Loads both shipped models in the worker, every file checked against its SHA-256 in the manifest (Web Crypto);
 * a model that fails is null with its one-line reason.
 */
export async function loadBrowserModels(): Promise<PipelineModels> {
  return loadVerifiedModels(browserModelFiles(MODELS_BASE), {
    cnn: (handler) => loadPatternCnnInBrowser({ handler }),
    price: (read) => loadPriceEnsembleInBrowser(read),
  });
}

/** public/models/manifest.json: versions, training data and hold-out metrics of the shipped models. */
export async function fetchManifest(): Promise<unknown> {
  const res = await fetch(`${MODELS_BASE}manifest.json`);
  if (!res.ok) throw new Error(`models/manifest.json: HTTP ${res.status}`);
  return res.json();
}
