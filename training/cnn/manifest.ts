import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MODEL_DIRS, type ModelKey } from '../../src/core/models/integrity';
import { artifactEntries } from '../../src/core/models/integrity-node';

interface Manifest {
  schema: number;
  models: Record<string, unknown>;
}

/**
 * Read-modify-write of public/models/manifest.json: replaces only `models.pattern_cnn` (the file is
 * shared with the price predictor), creating `{"schema": 1, "models": {}}` when absent. Records the size and
 * SHA-256 of every file in the model's folder as `artifacts`.
 */
export function writeManifestEntry(path: string, entry: Record<string, unknown>, key = 'pattern_cnn'): void {
  const manifest: Manifest = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest)
    : { schema: 1, models: {} };
  manifest.models ??= {};
  // Size and SHA-256 of every file the app will load (it refuses the model without them).
  const artifacts = key in MODEL_DIRS ? { artifacts: artifactEntries(dirname(path), key as ModelKey) } : {};
  manifest.models[key] = { ...entry, ...artifacts };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readManifestEntry(path: string, key = 'pattern_cnn'): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return manifest.models?.[key] as Record<string, unknown> | undefined;
}
