import type { Command } from '../command';

export type { Command } from '../command';

/** A subcommand as the command line lists it: its one-line summary, and its module, loaded only when it runs. */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/**
 * One entry per subcommand; each lives in its own module under src/cli/commands/, imported when that command
 * runs (scripts/build-cli.js splits them into chunks), so `features` does not pay for loading tfjs or the ONNX
 * runtime, and `--help` loads none of them.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  backtest: {
    summary: "the app's signals traded after costs, per horizon and combined, vs buy-and-hold and reversal (JSON)",
    load: async () => (await import('./backtest')).backtestCommand,
  },
  bench: {
    summary: 'run the benchmarks against peer libraries (bench/*.bench.ts), printing ratios',
    load: async () => (await import('./bench')).benchCommand,
  },
  patterns: {
    summary: 'rule detections and pattern-CNN probabilities per candle (CSV or Parquet)',
    load: async () => (await import('./patterns')).patternsCommand,
  },
  insights: {
    summary: 'the Insight JSON (patterns, predictions, signals, confidence) at the last candle or --at TIME',
    load: async () => (await import('./insights')).insightsCommand,
  },
  features: {
    summary: 'all registry features per candle (CSV or Parquet), streaming or batch',
    load: async () => (await import('./features')).featuresCommand,
  },
  predict: {
    summary:
      'price predictions (1, 5, 15, 60 candles): 80% intervals, confidence, skill/abstention, OOD (CSV or Parquet)',
    load: async () => (await import('./predict')).predictCommand,
  },
  record: {
    summary: 'record closed candles from an exchange (REST backfill, then websocket) as CSV',
    load: async () => (await import('./record')).recordCommand,
  },
};
