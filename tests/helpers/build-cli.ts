import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Vitest global setup of the unit project: compiles the command (dist-cli/) so tests spawn the current code. */
export default function setup(): void {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '..', '..', 'scripts', 'build-cli.js')], {
    stdio: 'inherit',
  });
}
