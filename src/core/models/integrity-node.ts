import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MANIFEST_FILE,
  MODEL_DIRS,
  parseModelManifest,
  type ArtifactEntry,
  type ModelFileHooks,
  type ModelKey,
} from './integrity';

/** public/models of this checkout: the shipped models and their manifest. */
export const DEFAULT_MODELS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'public',
  'models',
);

export function sha256Node(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Node's hooks for integrity.ts: files of `root` (default public/models) and node:crypto's SHA-256. */
export function nodeModelFiles(root: string = DEFAULT_MODELS_DIR): ModelFileHooks {
  return {
    async read(path) {
      const full = join(root, path);
      try {
        return new Uint8Array(await readFile(full));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `${full}: no such file` : `${full}: cannot read (${code ?? String(err)})`, {
          cause: err,
        });
      }
    },
    sha256: (bytes) => Promise.resolve(sha256Node(bytes)),
  };
}

/**
 * Size and SHA-256 of every file in a model's folder (`root/<MODEL_DIRS[key]>`, dot files skipped), sorted: the
 * `artifacts` list the manifest records and `npm run models:checksums` rewrites.
 */
export function artifactEntries(root: string, key: ModelKey): ArtifactEntry[] {
  const dir = MODEL_DIRS[key];
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(root, dir, name));
      return { file: `${dir}/${name}`, bytes: bytes.byteLength, sha256: sha256Node(bytes) };
    });
}

/**
 * Rewrites `artifacts` (file, bytes, sha256) of every model in `root/manifest.json` from the files on disk, keeping
 * everything else; atomic. Throws when the manifest cannot be read (its other contents would be lost).
 */
export function rewriteManifestChecksums(
  root: string = DEFAULT_MODELS_DIR,
): { key: ModelKey; artifacts: ArtifactEntry[] }[] {
  const path = join(root, MANIFEST_FILE);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { models?: Record<string, Record<string, unknown>> };
  const manifest = parseModelManifest(JSON.stringify(raw));
  const out: { key: ModelKey; artifacts: ArtifactEntry[] }[] = [];
  for (const key of Object.keys(MODEL_DIRS) as ModelKey[]) {
    const entry = manifest.models[key];
    if (!entry) continue;
    entry['artifacts'] = artifactEntries(root, key);
    out.push({ key, artifacts: entry['artifacts'] as ArtifactEntry[] });
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ ...raw, models: manifest.models }, null, 2)}\n`);
  renameSync(tmp, path);
  return out;
}
