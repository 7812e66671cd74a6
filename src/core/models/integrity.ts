/**
 * Integrity of the shipped models (fail closed). public/models/manifest.json records, for every model, each
 * artifact file the loaders read with its size and SHA-256; a loader reads its files only through
 * `verifiedReader`, which refuses a file that is not listed, has another size or another digest. An unreadable
 * manifest, a schema mismatch or a missing checksum refuses the model as well. The same code runs in the worker and
 * in Node; each runtime gives only two hooks (read a file of the models folder, SHA-256 of bytes):
 * integrity-browser.ts (fetch + Web Crypto) and integrity-node.ts (node:fs + node:crypto).
 */

/** The manifest's schema version this code reads. */
export const MANIFEST_SCHEMA = 1;
/** The manifest, relative to the models folder (public/models, served as <base>/models/). */
export const MANIFEST_FILE = 'manifest.json';
/** Each shipped model's key in `manifest.models` and its folder inside the models folder. */
export const MODEL_DIRS = { pattern_cnn: 'pattern-cnn', price_ensemble: 'price-ensemble' } as const;
export type ModelKey = keyof typeof MODEL_DIRS;

/** One artifact entry of `manifest.models.<key>.artifacts`. */
export interface ArtifactEntry {
  /** Path relative to the models folder, e.g. "pattern-cnn/weights.bin". */
  file: string;
  bytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface ModelManifest {
  schema: number;
  models: Record<string, Record<string, unknown>>;
}

/** The two things a runtime provides. */
export interface ModelFileHooks {
  /** Bytes of a file of the models folder (`path` relative to it); rejects with a one-line reason. */
  read(path: string): Promise<Uint8Array>;
  /** Lower-case hex SHA-256 of `bytes`. */
  sha256(bytes: Uint8Array): Promise<string>;
}

/** Reads one artifact of a model by its name inside the model's folder (e.g. "weights.bin"). */
export type ArtifactReader = (name: string) => Promise<Uint8Array>;

/** A model refused: unreadable or malformed manifest, missing entry or checksum, or a file that does not match. */
export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks the manifest's outer shape; throws ModelIntegrityError with what is wrong. */
export function parseModelManifest(text: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelIntegrityError(`models/${MANIFEST_FILE} is not valid JSON`);
  }
  if (!isRecord(json)) throw new ModelIntegrityError(`models/${MANIFEST_FILE} is not a JSON object`);
  if (json['schema'] !== MANIFEST_SCHEMA) {
    throw new ModelIntegrityError(
      `models/${MANIFEST_FILE} has schema ${JSON.stringify(json['schema'] ?? null)}, this app reads schema ${MANIFEST_SCHEMA}`,
    );
  }
  const models = json['models'];
  if (!isRecord(models) || Object.values(models).some((m) => !isRecord(m))) {
    throw new ModelIntegrityError(`models/${MANIFEST_FILE} has no "models" object`);
  }
  return { schema: MANIFEST_SCHEMA, models: models as Record<string, Record<string, unknown>> };
}

/** The checked artifact list of one model, by file path; throws ModelIntegrityError when it is missing or bad. */
export function modelArtifacts(manifest: ModelManifest, key: ModelKey): Map<string, ArtifactEntry> {
  const entry = manifest.models[key];
  if (!entry) throw new ModelIntegrityError(`models/${MANIFEST_FILE} has no entry for ${key}`);
  const list = entry['artifacts'];
  if (!Array.isArray(list) || list.length === 0) {
    throw new ModelIntegrityError(`models/${MANIFEST_FILE}: ${key} lists no artifacts`);
  }
  const out = new Map<string, ArtifactEntry>();
  for (const a of list) {
    const file = isRecord(a) ? a['file'] : undefined;
    if (typeof file !== 'string')
      throw new ModelIntegrityError(`models/${MANIFEST_FILE}: ${key} has an artifact without a file`);
    if (!isRecord(a) || typeof a['sha256'] !== 'string' || !SHA256_HEX.test(a['sha256'])) {
      throw new ModelIntegrityError(`models/${MANIFEST_FILE}: no SHA-256 recorded for ${file}`);
    }
    if (typeof a['bytes'] !== 'number' || !Number.isInteger(a['bytes']) || a['bytes'] < 0) {
      throw new ModelIntegrityError(`models/${MANIFEST_FILE}: no size recorded for ${file}`);
    }
    out.set(file, { file, bytes: a['bytes'], sha256: a['sha256'] });
  }
  return out;
}

/** Checks bytes against their manifest entry; throws ModelIntegrityError on a size or digest mismatch. */
export async function verifyArtifact(
  entry: ArtifactEntry,
  bytes: Uint8Array,
  sha256: ModelFileHooks['sha256'],
): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new ModelIntegrityError(
      `${entry.file}: ${bytes.byteLength} bytes, the manifest says ${entry.bytes} (file changed or truncated)`,
    );
  }
  const digest = await sha256(bytes);
  if (digest !== entry.sha256) {
    throw new ModelIntegrityError(
      `${entry.file}: SHA-256 ${digest.slice(0, 12)}… does not match the manifest's ${entry.sha256.slice(0, 12)}… (file changed)`,
    );
  }
}

/**
 * A reader of one model's artifacts that hands out only files the manifest lists, with the recorded size and
 * SHA-256. Throws (at creation) when the manifest has no usable artifact list for the model.
 */
export function verifiedReader(manifest: ModelManifest, key: ModelKey, hooks: ModelFileHooks): ArtifactReader {
  const artifacts = modelArtifacts(manifest, key);
  const dir = MODEL_DIRS[key];
  return async (name) => {
    const file = `${dir}/${name.replace(/^\.\//, '')}`;
    const entry = artifacts.get(file);
    if (!entry) throw new ModelIntegrityError(`${file} is not listed in models/${MANIFEST_FILE}`);
    const bytes = await hooks.read(file);
    await verifyArtifact(entry, bytes, hooks.sha256);
    return bytes;
  };
}

/** Reads and parses the manifest through the runtime's hooks. */
export async function readModelManifest(hooks: ModelFileHooks): Promise<ModelManifest> {
  let bytes: Uint8Array;
  try {
    bytes = await hooks.read(MANIFEST_FILE);
  } catch (err) {
    throw new ModelIntegrityError(
      `models/${MANIFEST_FILE} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return parseModelManifest(new TextDecoder().decode(bytes));
}

/** Hex of a digest's bytes. */
export function hex(digest: ArrayBuffer | Uint8Array): string {
  const bytes = digest instanceof Uint8Array ? digest : new Uint8Array(digest);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
