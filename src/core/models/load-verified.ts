import type * as tf from '@tensorflow/tfjs';
import type { PatternModel, PipelineModels, PriceModel } from '../insights/pipeline';
import { oneLine } from '../util/errors';
import {
  readModelManifest,
  verifiedReader,
  type ArtifactReader,
  type ModelFileHooks,
  type ModelManifest,
} from './integrity';
import { artifactsFromModelJson, PatternCnnLoadError } from './pattern-cnn';

/** How a runtime turns verified artifact readers into models (its tfjs / onnxruntime set-up). */
export interface ModelLoaders {
  cnn(handler: tf.io.IOHandler): Promise<PatternModel>;
  price(read: ArtifactReader): Promise<PriceModel>;
}

export interface VerifiedModels extends PipelineModels {
  /** The parsed manifest, or null when it could not be read (then neither model is loaded). */
  manifest: ModelManifest | null;
}

/** A tfjs IOHandler reading model.json and its weight files through `read` (paths relative to model.json). */
export function cnnHandlerFromReader(read: ArtifactReader): tf.io.IOHandler {
  return {
    load: async () => {
      let json: unknown;
      const text = new TextDecoder().decode(await read('model.json'));
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new PatternCnnLoadError('model.json: not valid JSON', { cause: err });
      }
      return artifactsFromModelJson(json, 'model.json', (paths) =>
        Promise.all(
          paths.map(async (p) => {
            const b = await read(p);
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        ),
      );
    },
  };
}

/**
 * Loads both shipped models with every artifact checked against the manifest (fail closed): an unreadable or
 * malformed manifest, a missing checksum or a file that differs from its checksum leaves that model null with the
 * reason, so no signal comes from it (the price ensemble's claims, which gate its signals, live in its own
 * checksummed price-ensemble.json).
 */
export async function loadVerifiedModels(hooks: ModelFileHooks, loaders: ModelLoaders): Promise<VerifiedModels> {
  let manifest: ModelManifest;
  try {
    manifest = await readModelManifest(hooks);
  } catch (err) {
    const reason = oneLine(err);
    return { cnn: null, cnnError: reason, price: null, priceError: reason, manifest: null };
  }
  const [cnn, price] = await Promise.allSettled([
    (async () => loaders.cnn(cnnHandlerFromReader(verifiedReader(manifest, 'pattern_cnn', hooks))))(),
    (async () => loaders.price(verifiedReader(manifest, 'price_ensemble', hooks)))(),
  ]);
  return {
    cnn: cnn.status === 'fulfilled' ? cnn.value : null,
    cnnError: cnn.status === 'rejected' ? oneLine(cnn.reason) : null,
    price: price.status === 'fulfilled' ? price.value : null,
    priceError: price.status === 'rejected' ? oneLine(price.reason) : null,
    manifest,
  };
}
