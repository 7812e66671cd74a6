/** One subcommand of `candlecast`; each lives in its own module under src/cli/commands/ and is listed in commands/index.ts. */
export interface Command {
  summary: string;
  run(argv: readonly string[]): Promise<void>;
}
