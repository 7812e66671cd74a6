import { proxy, type Remote } from 'comlink';
import type { Timeframe } from '../core/candles/timeframe';
import type { EngineApi, StreamUpdate } from '../../workers/engine-api';
import type { EndpointOverrides } from './endpoint-overrides';
import { UpdateBatcher } from './update-batcher';
import { applyUpdate, emptyRow, type WatchRow } from './watchlist';

interface Sub {
  stream: string;
  id: number | null;
  closed: boolean;
}

/**
 * One engine subscription per watched symbol (same exchange and timeframe as the main stream). Rows are
 * handed to `onRows` at most once per frame, however many symbols stream.
 */
export class WatchStreams {
  private readonly subs = new Map<string, Sub>();
  private readonly latest = new Map<string, WatchRow>();
  private symbols: readonly string[] = [];
  private readonly batcher: UpdateBatcher<null>;

  constructor(
    private readonly engine: Remote<EngineApi>,
    onRows: (rows: WatchRow[]) => void,
  ) {
    this.batcher = new UpdateBatcher<null>(() => onRows(this.rows()));
  }

  rows(): WatchRow[] {
    return this.symbols.map((s) => this.latest.get(s) ?? emptyRow(s));
  }

  /** Subscribes to newly watched symbols and drops the others (all of them when exchange or timeframe changed). */
  sync(exchange: string, timeframe: Timeframe, symbols: readonly string[], overrides: EndpointOverrides): void {
    this.symbols = [...symbols];
    const stream = `${exchange}|${timeframe}`;
    const wanted = new Set(symbols);
    for (const [symbol, sub] of [...this.subs]) {
      if (!wanted.has(symbol) || sub.stream !== stream) this.drop(symbol);
    }
    for (const symbol of wanted) {
      if (!this.subs.has(symbol)) void this.open(symbol, exchange, timeframe, stream, overrides);
    }
  }

  dispose(): void {
    this.batcher.dispose();
    for (const symbol of [...this.subs.keys()]) this.drop(symbol);
  }

  private drop(symbol: string): void {
    const sub = this.subs.get(symbol);
    if (!sub) return;
    sub.closed = true;
    this.subs.delete(symbol);
    this.latest.delete(symbol);
    if (sub.id !== null) void this.engine.unsubscribe(sub.id);
  }

  private async open(
    symbol: string,
    exchange: string,
    timeframe: Timeframe,
    stream: string,
    overrides: EndpointOverrides,
  ): Promise<void> {
    const sub: Sub = { stream, id: null, closed: false };
    this.subs.set(symbol, sub);
    const push = (u: StreamUpdate) => {
      if (sub.closed) return;
      this.latest.set(symbol, applyUpdate(this.latest.get(symbol) ?? emptyRow(symbol), u));
      this.batcher.push(null);
    };
    try {
      const info = await this.engine.subscribe(symbol, timeframe, exchange, proxy(push), overrides);
      if (sub.closed) {
        void this.engine.unsubscribe(info.id);
        return;
      }
      sub.id = info.id;
      const last = info.history.at(-1);
      if (last) {
        push({
          key: { exchange, symbol, timeframe },
          earlier: [],
          candle: last,
          closed: true,
          closedCount: info.history.length,
          epoch: 0,
          source: info.source,
          insight: info.insight,
        });
      }
    } catch {
      // The row stays empty; opening the symbol itself shows why its stream failed.
    }
  }
}
