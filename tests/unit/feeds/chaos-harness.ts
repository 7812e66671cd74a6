import WebSocket from 'ws';
import type { Candle, CandleUpdate } from '../../../src/core/candles/candle';
import type { Timeframe } from '../../../src/core/candles/timeframe';
import type { ExchangeId } from '../../../src/feeds/exchange-types';
import { LiveFeed, type FeedStatus } from '../../../src/feeds/live-feed';
import type { WebSocketCtor } from '../../../src/feeds/ws-types';
import { mulberry32 } from '../../../src/core/util/random';
import { ExchangeSimulator, type FaultCounts, type FaultKind } from '../../sim/server';

export interface ChaosRun {
  closed: Candle[];
  openUpdates: number;
  openBehindClosed: number;
  status: FeedStatus;
  counts: FaultCounts;
  ms: number;
}

export interface ChaosOptions {
  exchange: ExchangeId;
  symbol: string;
  timeframe: Timeframe;
  source: readonly Candle[];
  startIndex: number;
  faults: readonly FaultKind[];
  everyCandles: number;
  candlesPerSecond: number;
  /** Closed candles to wait for (all of `source`, or one less when the last cannot be known closed). */
  expectAtLeast: number;
  timeoutMs: number;
}

/** Replays `source` through the simulator with faults and records what a LiveFeed emits. */
export async function runChaos(o: ChaosOptions): Promise<ChaosRun> {
  const sim = new ExchangeSimulator({
    exchange: o.exchange,
    candles: o.source,
    symbol: o.symbol,
    timeframe: o.timeframe,
    startIndex: o.startIndex,
    candlesPerSecond: o.candlesPerSecond,
    faults: { kinds: o.faults, everyCandles: o.everyCandles },
    retryAfterSec: 1,
  });
  const urls = await sim.listen();
  const closed: Candle[] = [];
  let openUpdates = 0;
  let openBehindClosed = 0;
  const t0 = performance.now();
  const feed = new LiveFeed(
    {
      exchange: o.exchange,
      symbol: o.symbol,
      timeframe: o.timeframe,
      endpoints: { restUrl: urls.restUrl, wsUrl: urls.wsUrl },
      WebSocket: WebSocket as unknown as WebSocketCtor,
      backfillFrom: o.source[0]!.time,
      random: mulberry32(7),
      staleMs: 250,
      backoff: { baseMs: 10, maxMs: 80 },
      restMinIntervalMs: 0,
      restTimeoutMs: 3000,
    },
    {
      onCandle(u: CandleUpdate) {
        if (u.closed) closed.push(u.candle);
        else {
          openUpdates++;
          const last = closed[closed.length - 1];
          if (last && u.candle.time <= last.time) openBehindClosed++;
        }
      },
    },
  );
  try {
    feed.start();
    await sim.done;
    const deadline = performance.now() + o.timeoutMs;
    while (closed.length < o.expectAtLeast && performance.now() < deadline && feed.status().state !== 'error') {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100)); // anything late would show up as a duplicate
  } finally {
    feed.stop();
    await sim.close();
  }
  return {
    closed,
    openUpdates,
    openBehindClosed,
    status: feed.status(),
    counts: sim.counts,
    ms: performance.now() - t0,
  };
}

/** Index of the first source candle at or after `time`. */
export function indexAt(candles: readonly Candle[], time: number): number {
  const i = candles.findIndex((c) => c.time >= time);
  return i < 0 ? candles.length : i;
}
