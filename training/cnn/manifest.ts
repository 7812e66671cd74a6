import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

interface Manifest {
  schema: number;
  models: Record<string, unknown>;
}

/**
 * Read-modify-write of public/models/manifest.json: replaces only `models.pattern_cnn` (the file is
 * shared with the price predictor), creating `{"schema": 1, "models": {}}` when absent.
 */
export function writeManifestEntry(path: string, entry: Record<string, unknown>, key = 'pattern_cnn'): void {
  const manifest: Manifest = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest)
    : { schema: 1, models: {} };
  manifest.models ??= {};
  manifest.models[key] = entry;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readManifestEntry(path: string, key = 'pattern_cnn'): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return manifest.models?.[key] as Record<string, unknown> | undefined;
}
