import * as tf from './tfjs';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PatternCnnMetadata } from '../../src/core/models/pattern-cnn';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Saves a tf.LayersModel in the TensorFlow.js layers format (model.json + one weights.bin) into `dir`
 * through a custom save handler (tfjs-node's file:// handler is not available here). The metadata
 * (version, normalisation, pattern order, thresholds) goes into model.json's userDefinedMetadata.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string, metadata: PatternCnnMetadata): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      if (!data || !artifacts.weightSpecs) throw new Error('model has no weights to save');
      const buffers = Array.isArray(data) ? data : [data];
      const bytes = new Uint8Array(buffers.reduce((s, b) => s + b.byteLength, 0));
      let offset = 0;
      for (const b of buffers) {
        bytes.set(new Uint8Array(b), offset);
        offset += b.byteLength;
      }
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'candlecast training/cnn',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
        userDefinedMetadata: { pattern_cnn: metadata },
      };
      writeAtomic(join(dir, WEIGHTS_BIN), bytes);
      writeAtomic(join(dir, MODEL_JSON), `${JSON.stringify(modelJson)}\n`);
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength },
      };
    }),
  );
}
