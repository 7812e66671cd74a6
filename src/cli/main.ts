import { oneLine, printable } from '../core/util/errors';
import { CliError } from './errors';
import { COMMANDS } from './commands';
import { ClosedOutput } from './output';

const USAGE = `usage: candlecast <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}
`;

/**
 * A reader that closes stdout early (`| head`) ends the command quietly with exit 0: no stack trace, and the
 * temporary files of output.ts are removed by its exit handler.
 */
function endQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    process.stderr.write(`candlecast: cannot write to stdout (${oneLine(err)})\n`);
    process.exit(1);
  });
}

/** Runs the command line; returns the process exit code (0 ok, 2 bad input or usage, 1 unexpected failure). */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyOnClosedStdout();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`candlecast: unknown command "${printable(name, 60)}"\n${USAGE}`);
    return 2;
  }
  try {
    await (await command.load()).run(rest);
    return 0;
  } catch (err) {
    if (err instanceof ClosedOutput) return 0;
    if (err instanceof CliError) {
      process.stderr.write(`candlecast ${name}: ${oneLine(err)}\n`);
      return 2;
    }
    process.stderr.write(`candlecast ${name}: unexpected error: ${oneLine(err)}\n`);
    return 1;
  }
}
