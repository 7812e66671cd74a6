import { backtestCommand } from './backtest';
import { benchCommand } from './bench';
import { patternsCommand } from './patterns';
import { insightsCommand } from './insights';
import { featuresCommand } from './features';
import { predictCommand } from './predict';
import { recordCommand } from './record';

/** One entry per subcommand; each lives in its own module under src/cli/commands/. */
export interface Command {
  summary: string;
  run(argv: readonly string[]): Promise<void>;
}

export const COMMANDS: Record<string, Command> = {
  backtest: backtestCommand,
  bench: benchCommand,
  patterns: patternsCommand,
  insights: insightsCommand,
  features: featuresCommand,
  predict: predictCommand,
  record: recordCommand,
};
