import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from '../command';
import { parseArgs } from '../args';
import { CliError } from '../errors';

// build: bundle import.meta.url (the compiled benchmarks sit in bench/ beside the compiled command)
const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'bench');

interface BenchModule {
  bench(log: (line: string) => void): Promise<void>;
}

/**
 * `candlecast bench [--only NAME]`: runs every bench/<area>.bench.ts (compiled to dist-cli/bench/ by
 * scripts/build-cli.js, which `npm run bench` runs first) in one process, printing as it goes.
 */
export const benchCommand: Command = {
  async run(argv) {
    const args = parseArgs(argv, ['only']);
    const only = args.options.get('only');
    const files = readdirSync(BENCH_DIR)
      .filter((f) => f.endsWith('.bench.js'))
      .filter((f) => only === undefined || f === `${only}.bench.js`)
      .sort();
    if (files.length === 0)
      throw new CliError(only ? `no benchmark named "${only}" in bench/` : 'no benchmarks in bench/');
    const log = (line: string) => process.stdout.write(`${line}\n`);
    log(`candlecast bench · node ${process.version} · ${new Date().toISOString()}`);
    for (const file of files) {
      log(`\n== ${file.replace('.bench.js', '')} ==`);
      const mod = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as BenchModule;
      await mod.bench(log);
    }
  },
};
