import { parseArgs as parseNodeArgs } from 'node:util';
import { oneLine } from '../core/util/errors';
import { CliError } from './errors';

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/**
 * Parses `--name value` / `--name=value` options, boolean `--flags` and bare positionals with Node's
 * `util.parseArgs` (strict: unknown options are rejected so typos fail loudly). Every problem is a CliError
 * of one line ("unknown option --x", "option --x needs a value").
 */
export function parseArgs(
  argv: readonly string[],
  valueOptions: readonly string[],
  booleanFlags: readonly string[] = [],
): ParsedArgs {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of valueOptions) spec[name] = { type: 'string' };
  for (const name of booleanFlags) spec[name] = { type: 'boolean' };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(argumentProblem(err));
  }
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') {
      if (value === '') throw new CliError(`option --${name} needs a value`);
      options.set(name, value);
    } else if (value === true) flags.add(name);
  }
  return { positional: parsed.positionals, options, flags };
}

function argumentProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  const name = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name) return `unknown option ${name}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name) {
    return /does not take an argument/.test(message) ? `option ${name} takes no value` : `option ${name} needs a value`;
  }
  return oneLine(err);
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
