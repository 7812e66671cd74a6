import { preview, type PreviewServer } from 'vite';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** Serves the built app (dist/, made by `vite build`) on 127.0.0.1 with a free port, like `npm start` does. */
export async function startPreview(): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync(resolve(root, 'dist', 'index.html'))) {
    throw new Error('dist/ is missing: run `vite build` first (npm run test:e2e does)');
  }
  const server = await preview({ root, logLevel: 'error', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}
