import { CliError } from './errors';

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/**
 * Parses `--name value` options and bare positionals. Names in `booleanFlags` take no value.
 * Unknown options are rejected so typos fail loudly.
 */
export function parseArgs(
  argv: readonly string[],
  valueOptions: readonly string[],
  booleanFlags: readonly string[] = [],
): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (booleanFlags.includes(name)) {
      flags.add(name);
      continue;
    }
    if (!valueOptions.includes(name)) throw new CliError(`unknown option --${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new CliError(`option --${name} needs a value`);
    options.set(name, value);
  }
  return { positional, options, flags };
}

export function requireOne(args: ParsedArgs, what: string): string {
  if (args.positional.length !== 1) throw new CliError(`expected exactly one ${what}, got ${args.positional.length}`);
  return args.positional[0]!;
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new CliError(`option --${name} must be a number, got "${raw}"`);
  return v;
}
