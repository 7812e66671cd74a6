import type { Candle, CandleUpdate } from '../core/candles/candle';
import { bucketStart, timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { candleProblem } from '../core/candles/validate';
import type { CloseSignal, WsEvent } from './exchange-types';
import type { SequencerCounts } from './feed-status';

/** What the sequencer decided for one stream event. */
export interface SequencerStep {
  /** Updates to hand on, in this order. */
  emit: CandleUpdate[];
  /** History up to this open time must be filled from REST first; then offer the same event again. */
  backfillTo: number | null;
  /** The exchange refused the subscription for good. */
  rejected?: string;
}

/** Where a REST backfill starts and which stream candle it must confirm. */
export interface BackfillPlan {
  /** Open time of the first candle wanted; undefined = the exchange's latest page. */
  from: number | undefined;
  /** A 'next'-close exchange's open candle that REST must list before the fill counts (else retry). */
  expect: number | null;
}

interface OpenCandle {
  candle: Candle;
  eventTime?: number;
}

const NOTHING: SequencerStep = Object.freeze({ emit: [], backfillTo: null }) as SequencerStep;

/**
 * The ordering rules of a live feed, with no sockets, timers or I/O: it takes stream events and REST rows and
 * returns what to emit and what to backfill.
 *
 * - closed candles are emitted exactly once, in ascending time order; the still-open candle is emitted in place
 *   (`closed: false`) on every accepted update;
 * - whenever the stream skips past slots that were never confirmed (a reconnect, a lost close message, a 'next'
 *   exchange moving on), it asks for a REST fill up to the new candle first; slots the exchange has no candle for
 *   stay empty;
 * - duplicates, out-of-order updates and malformed candles (failing candleProblem) are dropped and counted in
 *   `counts`; a dropped message that arrived before the last backfill counts as superseded.
 */
export class CandleSequencer {
  private readonly tfMs: number;
  private lastClosed: number | null = null;
  private open: OpenCandle | null = null;
  /** Every slot before this time is settled: emitted, or known to be absent at the exchange. */
  private checkedUpTo = Number.NEGATIVE_INFINITY;
  private lastTradeId = Number.NEGATIVE_INFINITY;
  /** Arrival number of the event being handled, and of the last event that arrived before the last backfill. */
  private currentSeq = 0;
  private backfilledThroughSeq = 0;

  constructor(
    private readonly tf: Timeframe,
    private readonly closeSignal: CloseSignal,
    readonly counts: SequencerCounts,
  ) {
    this.tfMs = timeframeMs(tf);
  }

  /** Open time of the newest closed candle emitted (null before the first). */
  get lastClosedTime(): number | null {
    return this.lastClosed;
  }

  /** Applies one stream event that arrived as number `seq` (arrival order, from 1). */
  onEvent(e: WsEvent, seq: number): SequencerStep {
    this.currentSeq = seq;
    switch (e.kind) {
      case 'candle':
        return this.candle(e.candle, e.closed, e.eventTime);
      case 'trade':
        return this.trade(e);
      case 'heartbeat':
        return this.heartbeat(e.serverTime);
      case 'malformed':
        this.counts.malformed++;
        this.counts.lastError = `malformed message: ${e.reason}`;
        return NOTHING;
      case 'rejected':
        return { emit: [], backfillTo: null, rejected: e.reason };
      case 'ignore':
        return NOTHING;
    }
  }

  /** Where a backfill up to `bound` (null: to the present) starts; `backfillFrom` is the first wanted time. */
  backfillPlan(bound: number | null, backfillFrom: number | undefined): BackfillPlan {
    const open = this.open;
    const expect =
      this.closeSignal === 'next' && bound !== null && open !== null && open.candle.time < bound
        ? open.candle.time
        : null;
    const from =
      this.lastClosed !== null
        ? this.lastClosed + this.tfMs
        : backfillFrom === undefined
          ? undefined
          : this.alignUp(backfillFrom);
    return { from, expect };
  }

  /**
   * Takes backfilled rows (ascending): those before `bound` (a later candle exists) or before the newest row are
   * closed. `arrivals` is the number of stream events that had arrived when the rows were fetched: stream
   * messages up to it that turn out stale count as superseded.
   */
  applyBackfill(rows: readonly Candle[], bound: number, arrivals: number): CandleUpdate[] {
    const out: CandleUpdate[] = [];
    const newest = rows.length > 0 ? rows[rows.length - 1]!.time : Number.NEGATIVE_INFINITY;
    const closedBefore = Math.max(bound, newest);
    for (const c of rows) {
      const problem = candleProblem(c, this.tf);
      if (problem) {
        this.counts.malformed++;
        this.counts.lastError = `malformed REST candle: ${problem}`;
        continue;
      }
      if (this.lastClosed !== null && c.time <= this.lastClosed) continue;
      if (c.time < closedBefore) {
        out.push(this.closed(c));
      } else if (this.open === null || this.open.candle.time < c.time || c.volume >= this.open.candle.volume) {
        this.open = { candle: c };
        out.push({ candle: c, closed: false });
      }
    }
    if (closedBefore > this.checkedUpTo) this.checkedUpTo = closedBefore;
    this.backfilledThroughSeq = arrivals;
    if (this.open !== null && this.open.candle.time < closedBefore) this.open = null;
    return out;
  }

  private candle(c: Candle, closed: boolean | undefined, eventTime: number | undefined): SequencerStep {
    const problem = candleProblem(c, this.tf);
    if (problem) {
      this.counts.malformed++;
      this.counts.lastError = `malformed candle: ${problem}`;
      return NOTHING;
    }
    const t = c.time;
    if (this.lastClosed !== null && t <= this.lastClosed) {
      this.countStale(t === this.lastClosed ? 'duplicatesDropped' : 'outOfOrderDropped');
      return NOTHING;
    }
    const open = this.open;
    if (open !== null && t < open.candle.time) {
      this.countStale('outOfOrderDropped');
      return NOTHING;
    }
    if (this.needsFill(t)) return { emit: [], backfillTo: t };
    if (closed === true) return { emit: [this.closed(c)], backfillTo: null };
    if (open !== null && open.candle.time === t) {
      if (eventTime !== undefined && open.eventTime !== undefined && eventTime < open.eventTime) {
        this.counts.outOfOrderDropped++;
        return NOTHING;
      }
      if (c.volume < open.candle.volume) {
        this.countStale('outOfOrderDropped'); // volume of a forming candle never shrinks: this is an older update
        return NOTHING;
      }
      if (sameCandle(c, open.candle)) {
        this.countStale('duplicatesDropped');
        return NOTHING;
      }
    }
    this.open = eventTime !== undefined ? { candle: c, eventTime } : { candle: c };
    return { emit: [{ candle: c, closed: false }], backfillTo: null };
  }

  private trade(e: { time: number; price: number; size: number; id: number }): SequencerStep {
    if (e.id <= this.lastTradeId) {
      if (e.id === this.lastTradeId) this.counts.duplicatesDropped++;
      else this.counts.outOfOrderDropped++;
      return NOTHING;
    }
    const time = bucketStart(e.time, this.tf);
    const o = this.open?.candle;
    const c: Candle =
      o !== undefined && o.time === time
        ? {
            time,
            open: o.open,
            high: Math.max(o.high, e.price),
            low: Math.min(o.low, e.price),
            close: e.price,
            volume: o.volume + e.size,
          }
        : { time, open: e.price, high: e.price, low: e.price, close: e.price, volume: e.size };
    const step = this.candle(c, undefined, undefined);
    if (step.backfillTo === null) this.lastTradeId = e.id;
    return step;
  }

  /** A 'next'-close exchange whose clock has passed the open candle's end: confirm that candle through REST. */
  private heartbeat(serverTime: number | undefined): SequencerStep {
    if (serverTime === undefined || this.closeSignal !== 'next' || this.open === null) return NOTHING;
    const slot = bucketStart(serverTime, this.tf);
    if (slot > this.open.candle.time && slot > this.checkedUpTo) return { emit: [], backfillTo: slot };
    return NOTHING;
  }

  /** Counts a dropped stream message: as superseded when a later backfill already covered it, else as `kind`. */
  private countStale(kind: 'duplicatesDropped' | 'outOfOrderDropped'): void {
    if (this.currentSeq <= this.backfilledThroughSeq) this.counts.supersededDropped++;
    else this.counts[kind]++;
  }

  /** True when slots before `t` may hold candles not yet emitted. */
  private needsFill(t: number): boolean {
    const prev = this.lastClosed ?? (this.open !== null ? this.open.candle.time - this.tfMs : null);
    if (prev === null) return false;
    return t > prev + this.tfMs && t > this.checkedUpTo;
  }

  private closed(c: Candle): CandleUpdate {
    this.lastClosed = c.time;
    this.counts.lastClosedTime = c.time;
    this.counts.closedCandles++;
    if (this.open !== null && this.open.candle.time <= c.time) this.open = null;
    return { candle: c, closed: true };
  }

  private alignUp(t: number): number {
    const start = bucketStart(t, this.tf);
    return start < t ? start + this.tfMs : start;
  }
}

function sameCandle(a: Candle, b: Candle): boolean {
  return (
    a.time === b.time &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume
  );
}
