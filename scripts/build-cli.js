#!/usr/bin/env node
// Compiles the `candlecast` command (src/cli/main.ts), the feature side thread and the benchmarks
// (bench/*.bench.ts) to JavaScript in dist-cli/ with esbuild, so the command runs without a TypeScript
// compiler. `npm ci` / `npm install` run it through the `prepare` script; `npm run build:cli` runs it by hand.
// Packages stay external (resolved from node_modules at run time).
//
// Source files locate repository files from `import.meta.url` (public/models, ../shared/data); in a bundle
// that URL would be the bundle's, so each source file's `import.meta.url` is replaced by its own location,
// expressed relative to the bundle (the checkout can move). A file containing "build: bundle import.meta.url"
// keeps the bundle's URL. A worker thread started from `X-worker.js` (the tsx entry of the sources: the feature
// side thread, the CSV and Parquet table threads) runs the compiled `X-side.js` next to the bundle.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist-cli');

/** esbuild plugin: per-file `import.meta.url` for a bundle written to `outDir`. */
function sourceUrls(outDir) {
  return {
    name: 'source-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        let code = readFileSync(args.path, 'utf8');
        if (!code.includes('build: bundle import.meta.url')) {
          const rel = relative(outDir, args.path).split('\\').join('/');
          const relDir = `${relative(outDir, dirname(args.path)).split('\\').join('/')}/`;
          code = code
            // a worker thread's tsx entry `X-worker.js` is the compiled `X-side.js` beside the bundle
            .replace(/new URL\('\.\/([\w-]+)-worker\.js', import\.meta\.url\)/g, "new URL('./$1-side.js', BUNDLE_URL)")
            .replace(/import\.meta\.url/g, `new URL(${JSON.stringify(rel)}, import.meta.url).href`)
            .replace(
              /import\.meta\.dirname/g,
              `decodeURIComponent(new URL(${JSON.stringify(relDir)}, import.meta.url).pathname)`,
            )
            .replace(/BUNDLE_URL/g, 'import.meta.url');
        }
        return { contents: code, loader: 'ts' };
      });
    },
  };
}

async function bundle(entryPoints, outDir) {
  await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    // each command a chunk of its own, loaded when it runs (src/cli/commands/index.ts)
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [sourceUrls(outDir)],
  });
}

rmSync(outRoot, { recursive: true, force: true });
const side = {
  'parallel-side': join(root, 'src/core/features/batch/parallel-side.ts'),
  'table-side': join(root, 'src/cli/table-side.ts'),
};
await bundle({ main: join(root, 'src/cli/main.ts'), ...side }, outRoot);
const benches = Object.fromEntries(
  readdirSync(join(root, 'bench'))
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), join(root, 'bench', f)]),
);
await bundle({ ...benches, ...side }, join(outRoot, 'bench'));
