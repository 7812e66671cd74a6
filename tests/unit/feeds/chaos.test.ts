import { describe, expect, it } from 'vitest';
import type { Timeframe } from '../../../src/core/candles/timeframe';
import { timeframeMs } from '../../../src/core/candles/timeframe';
import { detectGaps } from '../../../src/core/candles/gaps';
import type { ExchangeId } from '../../../src/feeds/exchange-types';
import { hasCandleData, loadCandles, NO_DATA_REASON } from '../../helpers/data';
import { FAULT_KINDS, type FaultKind } from '../../sim/server';
import { indexAt, runChaos } from './chaos-harness';

const LIVE = 5000; // candles replayed live, after HISTORY candles served by REST backfill
const HISTORY = 700;
/** Every fault kind, REST faults spread out so two Retry-After waits never chain (see Case.speed). */
const SCHEDULE: readonly FaultKind[] = [
  'http429',
  'disconnect',
  'garbage',
  'http418',
  'duplicate',
  'close',
  'http5xx',
  'out-of-order',
  'stall',
]; // within Kraken's 720-candle REST window; several pages for OKX (100) and Coinbase (300)

interface Case {
  exchange: ExchangeId;
  file: string;
  symbol: string;
  timeframe: Timeframe;
  /** Start the slice a little before this time so it holds a real exchange gap / flat candles. */
  around: string;
  /**
   * When the stream ends right after the last candle and its close message was lost to a fault, the feed can only
   * learn it closed from REST if the protocol says so there (OKX `confirm`, Kraken `last`) or from a server clock
   * (Coinbase heartbeats). Binance and Bybit REST rows carry no such marker: their very last candle may stay open.
   */
  lastMayStayOpen: boolean;
  /**
   * Replay speed (candles per second). Kraken's REST only serves the latest 720 candles, so its replay must not
   * outrun a 1 s Retry-After by more than that (at real speed this is 12 hours of 1m candles).
   */
  speed: number;
}

const CASES: Case[] = [
  {
    exchange: 'binance',
    file: 'binance_BTCUSDT_1m_2021-04_2021-05.csv',
    symbol: 'BTCUSDT',
    timeframe: '1m',
    around: '2021-04-20T00:00:00Z',
    lastMayStayOpen: true,
    speed: 1500,
  },
  {
    exchange: 'coinbase',
    file: 'binance_ETHUSDT_1m_2023-03_2023-05.csv',
    symbol: 'ETHUSD',
    timeframe: '1m',
    around: '2023-03-24T10:00:00Z',
    lastMayStayOpen: false,
    speed: 1500,
  },
  {
    exchange: 'kraken',
    file: 'binance_SOLUSDT_5m_2021-01_2021-05.csv',
    symbol: 'SOLUSD',
    timeframe: '5m',
    around: '2021-02-20T00:00:00Z',
    lastMayStayOpen: true,
    speed: 450,
  },
  {
    exchange: 'bybit',
    file: 'binance_DOGEUSDT_1h_2019-07_2021-06.csv',
    symbol: 'DOGEUSDT',
    timeframe: '1h',
    around: '2020-01-01T00:00:00Z',
    lastMayStayOpen: true,
    speed: 1500,
  },
  {
    exchange: 'okx',
    file: 'binance_XRPUSDT_15m_2023-04_2024-04.csv',
    symbol: 'XRPUSDT',
    timeframe: '15m',
    around: '2023-06-01T00:00:00Z',
    lastMayStayOpen: false,
    speed: 1500,
  },
];

describe.skipIf(!hasCandleData)(
  `chaos: real candles through the simulator with every fault (${hasCandleData ? 'real data' : NO_DATA_REASON})`,
  () => {
    for (const c of CASES) {
      it(`${c.exchange}: ${LIVE} live candles + ${HISTORY} backfilled, stored series equals the source`, async () => {
        const all = loadCandles(c.file);
        const at = indexAt(all, Date.parse(c.around));
        const first = Math.max(0, Math.min(at - HISTORY - 1000, all.length - (HISTORY + LIVE + 1)));
        const source = all.slice(first, first + HISTORY + LIVE + 1);
        expect(source.length).toBe(HISTORY + LIVE + 1);
        const expectAtLeast = c.lastMayStayOpen ? source.length - 1 : source.length;
        const run = await runChaos({
          exchange: c.exchange,
          symbol: c.symbol,
          timeframe: c.timeframe,
          source,
          startIndex: HISTORY,
          faults: SCHEDULE,
          everyCandles: 230,
          candlesPerSecond: c.speed,
          expectAtLeast,
          timeoutMs: 30_000,
        });
        const s = run.status;
        const gaps = detectGaps(
          source.map((x) => x.time),
          c.timeframe,
        );
        console.log(
          `${c.exchange} ${c.timeframe}: ${run.closed.length}/${source.length} closed in ${Math.round(run.ms)} ms; ` +
            `source gaps ${gaps.length}; open updates ${run.openUpdates}; faults ${JSON.stringify(run.counts)}; ` +
            `feed reconnects ${s.reconnects} (stale ${s.staleReconnects}) malformed ${s.malformed} dup ${s.duplicatesDropped} ` +
            `ooo ${s.outOfOrderDropped} superseded ${s.supersededDropped} rest ${s.restRequests} 429/418 ${s.rateLimited} 5xx ${s.httpErrors} state ${s.state}`,
        );
        expect(s.state).not.toBe('error');
        // exactly the source: nothing missing, duplicated, altered, invented or reordered
        expect(run.closed.length).toBeGreaterThanOrEqual(expectAtLeast);
        expect(run.closed.length).toBeLessThanOrEqual(source.length);
        expect(run.closed).toEqual(source.slice(0, run.closed.length));
        for (let i = 1; i < run.closed.length; i++) {
          expect(run.closed[i]!.time - run.closed[i - 1]!.time).toBeGreaterThanOrEqual(timeframeMs(c.timeframe));
        }
        expect(run.openBehindClosed).toBe(0);
        expect(run.openUpdates).toBeGreaterThan(0);
        // every fault kind really happened, and the feed saw it
        for (const k of FAULT_KINDS) expect(run.counts[k], k).toBeGreaterThan(0);
        expect(s.malformed).toBe(run.counts.garbageFrames);
        expect(s.reconnects).toBeGreaterThanOrEqual(run.counts.disconnect + run.counts.close + run.counts.stall);
        expect(s.staleReconnects).toBeGreaterThanOrEqual(run.counts.stall);
        expect(s.rateLimited).toBe(run.counts.http429 + run.counts.http418);
        expect(s.httpErrors).toBeGreaterThanOrEqual(run.counts.http5xx);
        // Duplicated and swapped frames are dropped either as such or, when a backfill already covered them
        // (the feed was catching up after a Retry-After wait), as superseded; never emitted twice (checked above).
        expect(s.duplicatesDropped + s.supersededDropped).toBeGreaterThanOrEqual(run.counts.duplicateFrames);
        expect(s.outOfOrderDropped + s.supersededDropped).toBeGreaterThan(0);
      });
    }
  },
);
