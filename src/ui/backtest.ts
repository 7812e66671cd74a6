import type { Remote } from 'comlink';
import { proxy } from 'comlink';
import type { StrategyScore } from '../core/backtest';
import { HORIZONS } from '../core/insights/types';
import type { BacktestRun, EngineApi, StreamKey } from '../../workers/engine-api';

/** A point of a line on the backtest chart (time in seconds, as lightweight-charts wants it). */
export interface BacktestPoint {
  time: number;
  value: number;
}

export interface TradeMarker {
  time: number;
  side: 'long' | 'short';
  win: boolean;
}

/** One row of the backtest table. */
export interface BacktestRow {
  id: string;
  label: string;
  score: StrategyScore;
}

/** Most trade markers drawn; beyond that the newest are kept (the table has every trade counted). */
export const MAX_TRADE_MARKERS = 400;

/** Close, combined-verdict equity and buy-and-hold equity as chart lines. */
export function backtestLines(run: BacktestRun): {
  close: BacktestPoint[];
  equity: BacktestPoint[];
  buyAndHold: BacktestPoint[];
} {
  const { time, close, combined, buyAndHold } = run.equity;
  const line = (values: Float64Array) => Array.from(values, (value, i) => ({ time: time[i]! / 1000, value }));
  return { close: line(close), equity: line(combined), buyAndHold: line(buyAndHold) };
}

/** Entry markers of the combined verdict's trades (the newest MAX_TRADE_MARKERS). */
export function tradeMarkers(run: BacktestRun): TradeMarker[] {
  return run.trades.slice(-MAX_TRADE_MARKERS).map((t) => ({
    time: t.entryTime / 1000,
    side: t.direction === 1 ? 'long' : 'short',
    win: t.return > 0,
  }));
}

/** The table: each horizon's prediction signal, the combined verdict, the reversal baseline. */
export function backtestRows(run: BacktestRun): BacktestRow[] {
  return [
    ...HORIZONS.map((h) => ({ id: `h${h}`, label: `Prediction ${h}`, score: run.report.horizons[`${h}`] })),
    { id: 'combined', label: 'All signals', score: run.report.combined },
    { id: 'baseline', label: 'Reversal baseline', score: run.report.baseline },
  ];
}

/** One plain sentence on the outcome, saying so when the signals lose money after costs. */
export function verdict(run: BacktestRun): string {
  const r = run.report;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const cost = `${(r.cost * 100).toFixed(2)}% round trip`;
  if (r.combined.trades === 0) return `No signal became a trade on this series (cost ${cost}).`;
  const loses = r.combined.return < 0 ? 'The signals lose money after costs' : 'The signals make money after costs';
  return `${loses}: ${pct(r.combined.return)} over ${r.combined.trades} trades vs ${pct(r.buy_and_hold.return)} buy-and-hold and ${pct(r.baseline.return)} for the reversal baseline (cost ${cost}).`;
}

export type BacktestState =
  | { kind: 'idle' }
  | { kind: 'running'; stage: string; fraction: number }
  | { kind: 'done'; run: BacktestRun }
  | { kind: 'failed'; message: string };

/**
 * Runs backtests of a stream through the engine and reports each state to `onState`; a newer request makes
 * the answers of an older one go unheard.
 */
export class BacktestController {
  private generation = 0;

  constructor(
    private readonly engine: Remote<EngineApi>,
    private readonly onState: (state: BacktestState) => void,
  ) {}

  async run(key: StreamKey, cost: number, slippage: number, refresh = false): Promise<void> {
    const gen = ++this.generation;
    this.onState({ kind: 'running', stage: 'starting', fraction: 0 });
    try {
      const run = await this.engine.backtest(
        key.symbol,
        key.timeframe,
        key.exchange,
        { cost, slippage, refresh },
        proxy((stage: string, fraction: number) => {
          if (gen === this.generation) this.onState({ kind: 'running', stage, fraction });
        }),
      );
      if (gen === this.generation) this.onState({ kind: 'done', run });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
      if (gen === this.generation) this.onState({ kind: 'failed', message });
    }
  }

  /** Forgets the running request (its answer is dropped). */
  cancel(): void {
    this.generation++;
    this.onState({ kind: 'idle' });
  }
}
