/**
 * Rewrites the size and SHA-256 of every artifact of every model in public/models/manifest.json from the files
 * on disk (the app refuses a model whose files do not match). Run after replacing model files by hand or merging
 * retrained models: `npm run models:checksums [-- --models DIR]`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MODELS_DIR, rewriteManifestChecksums } from '../src/core/models/integrity-node';

const { values } = parseArgs({ options: { models: { type: 'string', default: DEFAULT_MODELS_DIR } } });
try {
  for (const { key, artifacts } of rewriteManifestChecksums(values.models)) {
    console.log(`${key}: ${artifacts.length} files`);
    for (const a of artifacts) console.log(`  ${a.sha256}  ${a.file} (${a.bytes} bytes)`);
  }
} catch (err) {
  console.error(`models:checksums: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(2);
}
