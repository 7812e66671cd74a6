/**
 * One subcommand of `candlecast`; each lives in its own module under src/cli/commands/ and is listed, with its
 * summary, in commands/index.ts.
 */
export interface Command {
  run(argv: readonly string[]): Promise<void>;
}
