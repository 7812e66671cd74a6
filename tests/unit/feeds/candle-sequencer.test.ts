import { describe, expect, it } from 'vitest';
import type { Candle, CandleUpdate } from '../../../src/core/candles/candle';
import { CandleSequencer } from '../../../src/feeds/candle-sequencer';
import type { CloseSignal } from '../../../src/feeds/exchange-types';
import type { SequencerCounts } from '../../../src/feeds/feed-status';

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function candle(slot: number, close = 100 + slot, volume = 10): Candle {
  return {
    time: T0 + slot * M,
    open: 100,
    high: Math.max(100, close) + 1,
    low: Math.min(100, close) - 1,
    close,
    volume,
  };
}
function counts(): SequencerCounts {
  return {
    lastClosedTime: null,
    closedCandles: 0,
    malformed: 0,
    duplicatesDropped: 0,
    outOfOrderDropped: 0,
    supersededDropped: 0,
    lastError: null,
  };
}
const slots = (us: CandleUpdate[]): [number, boolean][] => us.map((u) => [(u.candle.time - T0) / M, u.closed]);

function setup(signal: CloseSignal = 'flag'): { seq: CandleSequencer; c: SequencerCounts; next: () => number } {
  const c = counts();
  let n = 0;
  return { seq: new CandleSequencer('1m', signal, c), c, next: () => ++n };
}

describe('CandleSequencer (pure ordering rules, no sockets)', () => {
  it('emits the open candle in place and each closed candle once, in order; drops and counts repeats', () => {
    const { seq, c, next } = setup();
    expect(slots(seq.onEvent({ kind: 'candle', candle: candle(0, 101, 5) }, next()).emit)).toEqual([[0, false]]);
    // same values again: a duplicate; less volume: an older update
    expect(seq.onEvent({ kind: 'candle', candle: candle(0, 101, 5) }, next()).emit).toEqual([]);
    expect(seq.onEvent({ kind: 'candle', candle: candle(0, 102, 4) }, next()).emit).toEqual([]);
    expect(slots(seq.onEvent({ kind: 'candle', candle: candle(0), closed: true }, next()).emit)).toEqual([[0, true]]);
    expect(seq.onEvent({ kind: 'candle', candle: candle(0), closed: true }, next()).emit).toEqual([]);
    expect(slots(seq.onEvent({ kind: 'candle', candle: candle(1), closed: true }, next()).emit)).toEqual([[1, true]]);
    expect(seq.onEvent({ kind: 'candle', candle: candle(0) }, next()).emit).toEqual([]);
    expect(c).toMatchObject({ closedCandles: 2, duplicatesDropped: 2, outOfOrderDropped: 2, lastClosedTime: T0 + M });
    expect(seq.lastClosedTime).toBe(T0 + M);
  });

  it('asks for a backfill when the stream skips slots, emits the REST rows closed, then takes the event', () => {
    const { seq, c, next } = setup();
    seq.onEvent({ kind: 'candle', candle: candle(0), closed: true }, next());
    const late = { kind: 'candle' as const, candle: candle(4, 104, 1) };
    const first = seq.onEvent(late, next());
    expect(first).toEqual({ emit: [], backfillTo: T0 + 4 * M });
    expect(seq.backfillPlan(first.backfillTo, undefined)).toEqual({ from: T0 + M, expect: null });
    // REST has slots 1 and 3 (2 is a hole at the exchange) and, racing the stream, slot 4 itself
    const rows = [candle(1), candle(3), candle(4, 104, 2)];
    const filled = seq.applyBackfill(rows, T0 + 4 * M, 2);
    expect(slots(filled)).toEqual([
      [1, true],
      [3, true],
      [4, false],
    ]);
    // the stream's older view of slot 4 (volume 1 < 2) arrived before the backfill: superseded, not an error
    expect(seq.onEvent(late, 2)).toEqual({ emit: [], backfillTo: null });
    expect(c.supersededDropped).toBe(1);
    expect(c.outOfOrderDropped).toBe(0);
    // a hole already checked by REST does not trigger another fill
    expect(slots(seq.onEvent({ kind: 'candle', candle: candle(4), closed: true }, next()).emit)).toEqual([[4, true]]);
  });

  it("on a 'next'-close exchange, a heartbeat past the open candle's slot asks REST to confirm that candle", () => {
    const { seq, next } = setup('next');
    seq.onEvent({ kind: 'candle', candle: candle(0, 100, 1) }, next());
    expect(seq.onEvent({ kind: 'heartbeat', serverTime: T0 + 30_000 }, next()).backfillTo).toBeNull();
    const step = seq.onEvent({ kind: 'heartbeat', serverTime: T0 + M + 5_000 }, next());
    expect(step.backfillTo).toBe(T0 + M);
    expect(seq.backfillPlan(step.backfillTo, T0 - 90_000)).toEqual({ from: T0 - M, expect: T0 });
    expect(slots(seq.applyBackfill([candle(0, 100, 3)], T0 + M, 3))).toEqual([[0, true]]);
    expect(seq.onEvent({ kind: 'heartbeat', serverTime: T0 + M + 6_000 }, next()).backfillTo).toBeNull();
  });

  it('builds the open candle from trades and drops repeated trade ids', () => {
    const { seq, c, next } = setup('next');
    const t = (id: number, price: number, at: number) => ({
      kind: 'trade' as const,
      id,
      price,
      size: 1,
      time: T0 + at,
    });
    seq.onEvent(t(1, 100, 1_000), next());
    const up = seq.onEvent(t(2, 103, 2_000), next()).emit;
    expect(up).toEqual([
      { candle: { time: T0, open: 100, high: 103, low: 100, close: 103, volume: 2 }, closed: false },
    ]);
    expect(seq.onEvent(t(2, 99, 3_000), next()).emit).toEqual([]);
    expect(seq.onEvent(t(1, 99, 3_000), next()).emit).toEqual([]);
    expect(c).toMatchObject({ duplicatesDropped: 1, outOfOrderDropped: 1 });
  });

  it('counts malformed candles and messages with a reason, and passes a rejection on', () => {
    const { seq, c, next } = setup();
    const bad = { ...candle(0), high: 50 };
    expect(seq.onEvent({ kind: 'candle', candle: bad }, next()).emit).toEqual([]);
    expect(seq.onEvent({ kind: 'malformed', reason: 'not json' }, next()).emit).toEqual([]);
    expect(c.malformed).toBe(2);
    expect(c.lastError).toBe('malformed message: not json');
    expect(seq.onEvent({ kind: 'rejected', reason: 'unknown symbol' }, next()).rejected).toBe('unknown symbol');
    expect(seq.applyBackfill([bad, candle(1)], T0 + 2 * M, 0).map((u) => u.candle.time)).toEqual([T0 + M]);
    expect(c.malformed).toBe(3);
  });
});
