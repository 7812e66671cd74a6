import { describe, expect, it } from 'vitest';
import type { PipelineModels } from '../../../src/core/insights/pipeline';
import type { FeedStatus } from '../../../src/feeds/live-feed';
import type { StreamUpdate } from '../../../workers/engine-api';
import { Stream, type CandleSource } from '../../../workers/stream';
import { syntheticCandles } from '../store/candles';
import { toColumns } from '../../../src/core/candles/candle';
import { DEFAULT_MODEL_DIR, loadPatternCnnFromDir } from '../../../src/core/models/pattern-cnn-node';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { WINDOW_LENGTH, WINDOW_SIZE, writeWindow } from '../../../src/core/patterns/window';
import { hasCandleData, loadCandles } from '../../helpers/data';

const NO_MODELS: PipelineModels = { cnn: null, cnnError: 'none in this test', price: null, priceError: 'none' };
const KEY = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;
const T0 = Date.UTC(2024, 0, 1);

/** A candle source that only records being started and stopped. */
function source(): CandleSource & { started: number; stopped: number } {
  const s = {
    started: 0,
    stopped: 0,
    start: () => void s.started++,
    stop: () => void s.stopped++,
  };
  return s;
}

function feedStatus(over: Partial<FeedStatus>): Pick<FeedStatus, 'state' | 'reconnects' | 'malformed' | 'lastError'> {
  return { state: 'connecting', reconnects: 0, malformed: 0, lastError: null, ...over };
}

describe('Stream owns its state', () => {
  it('starts as "starting" with its source, no detail and zero counters', () => {
    const stream = new Stream(KEY, 'live', NO_MODELS);
    expect(stream.status).toEqual({ kind: 'starting' });
    expect(stream.info()).toEqual({
      ...KEY,
      source: 'live',
      status: { kind: 'starting' },
      candles: 0,
      lastMessageAt: null,
      reconnects: 0,
      malformed: 0,
      detail: null,
    });
  });

  it('takes the exchange connection state, counters and last error from the feed status', () => {
    const stream = new Stream(KEY, 'cache', NO_MODELS);
    stream.exchangeStatus(
      feedStatus({ state: 'reconnecting', reconnects: 3, malformed: 2, lastError: 'socket closed' }),
    );
    expect(stream.info()).toMatchObject({
      status: { kind: 'exchange', feed: 'reconnecting' },
      reconnects: 3,
      malformed: 2,
      detail: 'socket closed',
    });
    stream.exchangeStatus(feedStatus({ state: 'live', reconnects: 3, malformed: 2 }));
    expect(stream.info()).toMatchObject({ status: { kind: 'exchange', feed: 'live' }, detail: null });
  });

  it('a cached stream turns live at its first live candle', () => {
    const stream = new Stream(KEY, 'simulated', NO_MODELS);
    stream.attach(source(), 'cache');
    expect(stream.source).toBe('cache');
    stream.wentLive();
    expect(stream.source).toBe('live');
  });

  it('attach stops the previous source, starts the new one and takes its source name', () => {
    const stream = new Stream(KEY, 'live', NO_MODELS);
    const first = source();
    const second = source();
    stream.attach(first, 'live');
    expect([first.started, first.stopped]).toEqual([1, 0]);
    stream.attach(second, 'simulated');
    expect([first.started, first.stopped]).toEqual([1, 1]);
    expect([second.started, second.stopped]).toEqual([1, 0]);
    expect(stream.source).toBe('simulated');
    stream.simulating();
    expect(stream.status).toEqual({ kind: 'simulated' });
  });

  it('a stored series is served from the cache', () => {
    const stream = new Stream({ ...KEY, exchange: 'import' }, 'simulated', NO_MODELS);
    stream.servingStored();
    expect(stream.source).toBe('cache');
    expect(stream.status).toEqual({ kind: 'stored' });
  });

  it('explain sets and clears the detail line', () => {
    const stream = new Stream(KEY, 'live', NO_MODELS);
    stream.explain('showing 5 cached candles while connecting');
    expect(stream.detail).toBe('showing 5 cached candles while connecting');
    expect(stream.info().detail).toBe('showing 5 cached candles while connecting');
    stream.explain(null);
    expect(stream.detail).toBeNull();
  });

  it('replay states are reported as the replay kind', () => {
    const stream = new Stream({ ...KEY, exchange: 'replay' }, 'replay', NO_MODELS);
    stream.replayState('paused');
    expect(stream.status).toEqual({ kind: 'replay', replay: 'paused' });
    stream.replayState('ended');
    expect(stream.status).toEqual({ kind: 'replay', replay: 'ended' });
  });

  it('once stopped, it stops its source and no later report moves it', () => {
    const stream = new Stream(KEY, 'cache', NO_MODELS);
    const feed = source();
    stream.attach(feed, 'cache');
    stream.stop();
    expect(feed.stopped).toBe(1);
    expect(stream.stopped).toBe(true);
    stream.exchangeStatus(feedStatus({ state: 'live', reconnects: 9, malformed: 9, lastError: 'late' }));
    stream.wentLive();
    stream.simulating();
    stream.servingStored();
    stream.replayState('playing');
    expect(stream.info()).toMatchObject({
      source: 'cache',
      status: { kind: 'stopped' },
      reconnects: 0,
      malformed: 0,
      detail: null,
    });
  });

  it('pushes applied candles to its listeners until they are removed, and counts them', async () => {
    const stream = new Stream(KEY, 'live', NO_MODELS);
    const got: StreamUpdate[] = [];
    stream.addListener(7, (u) => got.push(u));
    expect(stream.listenerCount).toBe(1);
    const [a, b, c, d] = syntheticCandles(4, T0);
    const before = Date.now();
    stream.apply({ candle: a!, closed: true });
    stream.apply({ candle: b!, closed: true });
    stream.apply({ candle: c!, closed: false });
    await stream.idle();
    expect(stream.info().lastMessageAt).toBeGreaterThanOrEqual(before);
    // `a` is computed at once; `b` and `c` queued meanwhile go out in one push, `b` in `earlier`.
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ earlier: [], candle: a, closed: true, closedCount: 1, source: 'live' });
    expect(got[1]).toMatchObject({ earlier: [b], candle: c, closed: false, closedCount: 2, source: 'live' });
    expect(got[1]!.insight?.time).toBe(c!.time);
    expect(stream.latestInsight?.time).toBe(c!.time);
    expect(stream.removeListener(7)).toBe(true);
    expect(stream.removeListener(7)).toBe(false);
    expect(stream.listenerCount).toBe(0);
    stream.apply({ candle: d!, closed: true });
    await stream.idle();
    expect(got).toHaveLength(2);
    expect(stream.history().map((x) => x.time)).toEqual([a!.time, b!.time, c!.time, d!.time]);
  });

  it('reset forgets candles and the latest insight and starts a new epoch', async () => {
    const stream = new Stream(KEY, 'replay', NO_MODELS);
    const got: StreamUpdate[] = [];
    stream.addListener(1, (u) => got.push(u));
    const candles = syntheticCandles(2, T0);
    stream.apply({ candle: candles[0]!, closed: true });
    await stream.idle();
    stream.reset(NO_MODELS);
    expect(stream.latestInsight).toBeNull();
    expect(stream.history()).toEqual([]);
    stream.apply({ candle: candles[1]!, closed: true });
    await stream.idle();
    expect(got.map((u) => [u.epoch, u.closedCount])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it.skipIf(!hasCandleData)(
    "marks its history with the CNN as the live pipeline would: each candle's window at the manifest thresholds",
    async () => {
      const cnn = await loadPatternCnnFromDir(DEFAULT_MODEL_DIR, { backends: ['wasm', 'cpu'] });
      try {
        const models: PipelineModels = { ...NO_MODELS, cnn, cnnError: null };
        const stream = new Stream(KEY, 'live', models);
        const candles = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv').slice(0, 400);
        for (const c of candles) stream.apply({ candle: c, closed: true });
        await stream.idle();
        const marked = await stream.historyPatterns();
        const cols = toColumns(candles);
        const byTime = new Map(marked.map((m) => [m.time, m]));
        let cnnMarked = 0;
        // every candle, one window at a time (the stream predicts in one batch)
        for (let i = WINDOW_LENGTH - 1; i < candles.length; i++) {
          const window = new Float32Array(WINDOW_SIZE);
          writeWindow(cols, i, window);
          const probs = await cnn.predict(window, 1);
          const expected = PATTERN_NAMES.filter((p, j) => probs[j]! >= cnn.thresholds[p]);
          const got = byTime.get(candles[i]!.time);
          expect(got?.cnn ?? [], `candle ${i}`).toEqual(expected);
          if (expected.length > 0) cnnMarked++;
        }
        expect(cnnMarked).toBeGreaterThan(20);
      } finally {
        cnn.dispose();
      }
    },
    120_000,
  );
});
