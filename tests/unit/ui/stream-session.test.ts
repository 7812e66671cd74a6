import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import type { Timeframe } from '../../../src/core/candles/timeframe';
import type { Insight } from '../../../src/core/insights/types';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import type { Fan, PatternMarker } from '../../../src/ui/chart-model';
import { syntheticCandles } from '../store/candles';
import {
  StreamSession,
  sessionFlags,
  type SessionChart,
  type SessionEngine,
  type SessionView,
} from '../../../src/ui/stream-session';
import type { StreamSelection } from '../../../src/ui/url-state';
import type {
  EngineStatus,
  FeedInfo,
  ReplayAction,
  ReplaySpeed,
  ReplayState,
  StreamUpdate,
  SubscriptionInfo,
  TrackRecord,
} from '../../../workers/engine-api';

const T0 = Date.UTC(2024, 0, 1, 12, 0);
const BTC: StreamSelection = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };

const CANDLES = syntheticCandles(10, T0);
const candle = (i: number): Candle => CANDLES[i]!;

function insightAt(i: number): Insight {
  const rules = Object.fromEntries(PATTERN_NAMES.map((n) => [n, false]));
  return {
    time: candle(i).time,
    current_price: candle(i).close,
    computed_ms: i,
    confidence: 0.5,
    price_predictions: { '1': { prediction: 101, lower: 99, upper: 103 } },
    patterns: { detected: {}, count: 0, strongest: null, rules, probabilities: null },
  } as unknown as Insight;
}

/** The worker's API as the session sees it: answers from fields, every call recorded. */
class FakeEngine implements SessionEngine {
  calls: string[] = [];
  handlers = new Map<number, (u: StreamUpdate) => void>();
  nextId = 1;
  subscribeError: string | null = null;
  replayError: string | null = null;
  latest: Insight | null = null;
  status: EngineStatus = { feeds: [] } as unknown as EngineStatus;

  async subscribe(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (u: StreamUpdate) => void,
  ): Promise<SubscriptionInfo> {
    this.calls.push(`subscribe ${exchange} ${symbol} ${timeframe}`);
    if (this.subscribeError) throw new Error(this.subscribeError);
    const id = this.nextId++;
    this.handlers.set(id, onUpdate);
    return { id, source: 'live', history: [candle(0), candle(1)], historyPatterns: [], insight: this.latest };
  }
  async unsubscribe(id: number): Promise<void> {
    this.calls.push(`unsubscribe ${id}`);
  }
  async useSimulated(symbol: string): Promise<void> {
    this.calls.push(`useSimulated ${symbol}`);
  }
  async getInsights(): Promise<Insight | null> {
    return this.latest;
  }
  async getTrackRecord(symbol: string): Promise<TrackRecord> {
    return { symbol } as unknown as TrackRecord;
  }
  async getStatus(): Promise<EngineStatus> {
    return this.status;
  }
  async listSymbols(exchange: string): Promise<string[]> {
    return [`${exchange.toUpperCase()}-A`, `${exchange.toUpperCase()}-B`];
  }
  async getModelManifest(): Promise<unknown> {
    throw new Error('no manifest');
  }
  async replay(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    speed: ReplaySpeed,
    onUpdate: (u: StreamUpdate) => void,
  ): Promise<ReplayState> {
    this.calls.push(`replay ${exchange} ${symbol} ${timeframe} ${speed}`);
    if (this.replayError) throw new Error(this.replayError);
    const id = this.nextId++;
    this.handlers.set(id, onUpdate);
    return { id, state: 'playing', position: 0, total: 3, speed, time: null, first: T0 };
  }
  async replayControl(id: number, action: ReplayAction, value?: number | ReplaySpeed): Promise<ReplayState> {
    this.calls.push(`replayControl ${id} ${action} ${String(value)}`);
    return {
      id,
      state: action === 'pause' ? 'paused' : 'playing',
      position: 1,
      total: 3,
      speed: 10,
      time: null,
      first: T0,
    };
  }
  async stopReplay(id: number): Promise<void> {
    this.calls.push(`stopReplay ${id}`);
  }
}

/** What the session drew, in order. */
class FakeChart implements SessionChart {
  drawn: string[] = [];
  setHistory(candles: readonly Candle[]): void {
    this.drawn.push(`history ${candles.length}`);
  }
  updates(candles: readonly Candle[]): void {
    this.drawn.push(`updates ${candles.map((c) => (c.time - T0) / 60_000).join(',')}`);
  }
  setFan(fan: Fan): void {
    this.drawn.push(`fan ${fan.median.length}`);
  }
  setMarkers(markers: readonly PatternMarker[]): void {
    this.drawn.push(`markers ${markers.length}`);
  }
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

function update(i: number, o: Partial<StreamUpdate> = {}): StreamUpdate {
  return {
    key: BTC,
    earlier: [],
    candle: candle(i),
    closed: true,
    closedCount: i + 1,
    epoch: 0,
    source: 'live',
    insight: null,
    ...o,
  };
}

const sessions: StreamSession[] = [];

function open(engine: FakeEngine, selection = BTC) {
  const views: SessionView[] = [];
  const selected: StreamSelection[] = [];
  const insights: string[] = [];
  const session = new StreamSession({
    engine,
    selection,
    overrides: {},
    online: true,
    onView: (v) => views.push(v),
    onSelect: (s) => selected.push(s),
    onInsight: (s, i) => insights.push(`${s.symbol}@${(i.time - T0) / 60_000}`),
    schedule: () => {
      throw new Error('not expected: updates are spaced out in these tests');
    },
    now: (() => {
      let t = 0;
      return () => (t += 100);
    })(),
  });
  sessions.push(session);
  const chart = new FakeChart();
  return { session, chart, views, selected, insights };
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

describe('StreamSession (the stream on screen, without a DOM)', () => {
  it('opens the selection live: history and fan on the chart, insight, symbols, a failed manifest as null', async () => {
    const engine = new FakeEngine();
    engine.latest = insightAt(1);
    const { session, chart } = open(engine);
    session.start(chart);
    await settle();
    expect(engine.calls).toEqual(['subscribe binance BTCUSDT 1m']);
    // The subscription's insight, then the same one read again with the panels (an answer as new as it is shown).
    expect(chart.drawn).toEqual(['history 2', 'fan 2', 'fan 2']);
    const v = session.view;
    expect(v.view).toEqual(BTC);
    expect(v.source).toBe('live');
    expect(v.insight?.time).toBe(candle(1).time);
    expect(v.waiting).toBe(false);
    expect(v.symbols).toEqual(['BINANCE-A', 'BINANCE-B']);
    expect(v.manifest).toBeNull();
    expect(v.trackRecord).toEqual({ symbol: 'BTCUSDT' });
  });

  it('draws updates, passes insights on, and drops updates of a stream no longer on screen', async () => {
    const engine = new FakeEngine();
    const { session, chart, insights, selected } = open(engine);
    session.start(chart);
    await settle();
    const first = engine.handlers.get(1)!;
    first(update(2, { insight: insightAt(2) }));
    expect(chart.drawn.slice(1)).toEqual(['updates 2', 'fan 2']);
    expect(insights).toEqual(['BTCUSDT@2']);

    const eth = { ...BTC, symbol: 'ETHUSDT' };
    session.choose(eth);
    await settle();
    expect(selected).toEqual([eth]);
    expect(engine.calls).toEqual(['subscribe binance BTCUSDT 1m', 'unsubscribe 1', 'subscribe binance ETHUSDT 1m']);
    const drawn = chart.drawn.length;
    first(update(3, { insight: insightAt(3) }));
    expect(chart.drawn.length).toBe(drawn);
    expect(insights).toEqual(['BTCUSDT@2']);
    expect(session.view.selection).toEqual(eth);
  });

  it('says in one line why a stream did not open', async () => {
    const engine = new FakeEngine();
    engine.subscribeError = 'exchange unreachable';
    const { session, chart } = open(engine);
    session.start(chart);
    await settle();
    expect(session.view.streamError).toBe('Could not open BTCUSDT 1m: exchange unreachable');
  });

  it('replays the selection under exchange "replay", follows its position, and goes live again on stop', async () => {
    const engine = new FakeEngine();
    const { session, chart } = open(engine);
    session.start(chart);
    await settle();
    await session.startReplay(10);
    expect(engine.calls.slice(1)).toEqual(['unsubscribe 1', 'replay binance BTCUSDT 1m 10']);
    expect(session.view.view).toEqual({ ...BTC, exchange: 'replay' });
    expect(session.view.source).toBe('replay');
    expect(session.view.replayBusy).toBe(false);

    engine.handlers.get(2)!(update(0, { key: { ...BTC, exchange: 'replay' }, closedCount: 3, source: 'replay' }));
    expect(session.view.replay).toMatchObject({ position: 3, state: 'ended' });

    await session.controlReplay('pause');
    expect(engine.calls.at(-1)).toBe('replayControl 2 pause undefined');
    expect(session.view.replay?.state).toBe('paused');

    await session.stopReplay();
    expect(engine.calls.slice(-2)).toEqual(['stopReplay 2', 'subscribe binance BTCUSDT 1m']);
    expect(session.view.replay).toBeNull();
    expect(session.view.view).toEqual(BTC);
  });

  it('reports a failed replay and reopens the live stream', async () => {
    const engine = new FakeEngine();
    engine.replayError = 'no stored candles for BTCUSDT 1m';
    const { session, chart } = open(engine);
    session.start(chart);
    await settle();
    await session.startReplay(10);
    await settle();
    expect(session.view.replayError).toBe('Replay failed: no stored candles for BTCUSDT 1m');
    expect(engine.calls.at(-1)).toBe('subscribe binance BTCUSDT 1m');
    expect(session.view.view).toEqual(BTC);
  });

  it('replays a stored selection at the chosen speed and writes it to the page', async () => {
    const engine = new FakeEngine();
    const { session, chart, selected } = open(engine);
    session.start(chart);
    await settle();
    session.setReplaySpeed(100);
    const imported: StreamSelection = { exchange: 'import', symbol: 'ETHUSDT', timeframe: '15m' };
    await session.replaySelection(imported);
    await settle();
    expect(selected).toEqual([imported]);
    expect(engine.calls.at(-1)).toBe('replay import ETHUSDT 15m 100');
    expect(session.view.symbols).toEqual(['IMPORT-A', 'IMPORT-B']);
  });
});

describe('sessionFlags', () => {
  const feed = (o: Partial<FeedInfo>): FeedInfo =>
    ({ ...BTC, source: 'live', status: { kind: 'exchange', feed: 'live' }, candles: 10, ...o }) as FeedInfo;
  const view = (o: Partial<SessionView>): SessionView =>
    ({ selection: BTC, view: BTC, status: null, source: null, replay: null, online: true, ...o }) as SessionView;

  it('finds the feed on screen and offers the simulated market only while it has no live candles', () => {
    const live = sessionFlags(view({ status: { feeds: [feed({})] } as unknown as EngineStatus }));
    expect(live).toMatchObject({ mode: 'live', simulated: false, canSimulate: false });
    expect(live.feed?.symbol).toBe('BTCUSDT');
    const connecting = feed({ status: { kind: 'exchange', feed: 'connecting' } });
    expect(sessionFlags(view({ status: { feeds: [connecting] } as unknown as EngineStatus }))).toMatchObject({
      mode: 'reconnecting',
      canSimulate: true,
    });
    const offline = sessionFlags(view({ online: false, status: { feeds: [feed({})] } as unknown as EngineStatus }));
    expect(offline).toMatchObject({ mode: 'offline', canSimulate: true });
  });

  it('labels a simulated stream and never offers to simulate one, nor during a replay', () => {
    const sim = feed({ source: 'simulated', status: { kind: 'simulated' } });
    expect(sessionFlags(view({ status: { feeds: [sim] } as unknown as EngineStatus }))).toMatchObject({
      mode: 'simulated',
      simulated: true,
      canSimulate: false,
    });
    const replay = { id: 1 } as ReplayState;
    expect(
      sessionFlags(view({ replay, status: { feeds: [feed({ candles: 0 })] } as unknown as EngineStatus })),
    ).toMatchObject({
      mode: 'replay',
      canSimulate: false,
    });
    expect(sessionFlags(view({ selection: { ...BTC, exchange: 'simulated' } })).simulated).toBe(true);
  });
});
