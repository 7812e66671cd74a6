import { backtestCommand } from './backtest';
import { benchCommand } from './bench';
import { patternsCommand } from './patterns';
import { insightsCommand } from './insights';
import { featuresCommand } from './features';
import { predictCommand } from './predict';
import { recordCommand } from './record';

import type { Command } from '../command';

export type { Command } from '../command';

/** One entry per subcommand; each lives in its own module under src/cli/commands/. */
export const COMMANDS: Record<string, Command> = {
  backtest: backtestCommand,
  bench: benchCommand,
  patterns: patternsCommand,
  insights: insightsCommand,
  features: featuresCommand,
  predict: predictCommand,
  record: recordCommand,
};
