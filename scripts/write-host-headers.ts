/**
 * Writes the security headers of csp.config.ts into the header files of common static hosts (public/_headers,
 * vercel.json, docs/nginx-security-headers.conf). Run after changing csp.config.ts: `npm run headers`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostHeaderFiles } from '../csp.config';

const root = resolve(import.meta.dirname, '..');
for (const [path, content] of Object.entries(hostHeaderFiles())) {
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
