// TEMPORARY NOTE FOR PARALLEL WORKERS: read /tmp/common.md (git rules, npm lock, deadline 07:50 UTC).
/** One entry per subcommand; each lives in its own module under src/cli/commands/. */
export interface Command {
  summary: string;
  run(argv: readonly string[]): Promise<void>;
}

export const COMMANDS: Record<string, Command> = {};
