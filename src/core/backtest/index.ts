export { runBacktest, scoreSignals, COMBINED_HOLD } from './backtest';
export type { BacktestReport, BacktestResult, BacktestOptions } from './backtest';
export type { StrategyScore, Trade } from './rules';
export type { BacktestProgress } from './app-signals';
export { DEFAULT_COST, DEFAULT_SLIPPAGE } from './scoring';
