#!/usr/bin/env node
// Entry point of the `candlecast` command: runs the compiled CLI in dist-cli/ (plain JavaScript, no TypeScript
// compiler at run time), which `npm ci` / `npm install` build through the `prepare` script (scripts/build-cli.js).
let cli;
try {
  cli = await import('../dist-cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist-cli')) {
    process.stderr.write('candlecast: the command is not built: run `npm run build:cli` (npm install does it)\n');
    process.exit(1);
  }
  throw err;
}
process.exitCode = await cli.main(process.argv.slice(2));
