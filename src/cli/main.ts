import { CliError } from './errors';
import { COMMANDS } from './commands';

const USAGE = `usage: candlecast <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}
`;

/** Runs the command line; returns the process exit code (0 ok, 2 bad input or usage, 1 unexpected failure). */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`candlecast: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`candlecast ${name}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`candlecast ${name}: unexpected error: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
