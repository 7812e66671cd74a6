import { proxy } from 'comlink';
import type { Candle } from '../core/candles/candle';
import { REPLAY_EXCHANGE, sameSeries } from '../core/candles/series-key';
import type { Insight } from '../core/insights/types';
import type {
  EngineApi,
  EngineStatus,
  FeedInfo,
  ReplayAction,
  ReplaySpeed,
  ReplayState,
  StreamKey,
  StreamSource,
  StreamUpdate,
  TrackRecord,
} from '../../workers/engine-api';
import { fanFromInsight, sameInsight, type Fan, type PatternMarker } from './chart-model';
import type { EndpointOverrides } from './endpoint-overrides';
import { recordPanelLatency } from './perf';
import { statusMode, type StatusMode } from './status';
import { StreamView, replayAfter } from './stream-view';
import { UpdateBatcher } from './update-batcher';
import type { StreamSelection } from './url-state';

/** Panels ask the engine again at least this often, even when no candle closes. */
export const REFRESH_MS = 30_000;
/** The status line's feed state is read this often. */
export const STATUS_MS = 1_000;
/** The track record is re-read on candle close, but not more often than this (replays close fast). */
export const TRACK_RECORD_MIN_GAP_MS = 3_000;
/** While a replay races, the page renders four times a second: enough to watch, and the main thread stays free. */
export const RACING_RENDER_MS = 250;

/** What the session draws on the chart (CandleChart's exported functions). */
export interface SessionChart {
  setHistory(candles: readonly Candle[]): void;
  updates(candles: readonly Candle[]): void;
  setFan(fan: Fan): void;
  setMarkers(markers: readonly PatternMarker[]): void;
}

/** The engine calls the session makes (the worker's API through comlink). */
export type SessionEngine = Pick<
  EngineApi,
  | 'subscribe'
  | 'unsubscribe'
  | 'useSimulated'
  | 'getInsights'
  | 'getTrackRecord'
  | 'getStatus'
  | 'listSymbols'
  | 'getModelManifest'
  | 'replay'
  | 'replayControl'
  | 'stopReplay'
>;

/** Everything the page shows about the stream on screen; a new object on every change (unchanged parts kept). */
export interface SessionView {
  /** The stream the user picked (URL, picker). */
  selection: StreamSelection;
  /** The engine stream on screen: the selection when live, exchange "replay" during a replay. */
  view: StreamKey;
  status: EngineStatus | null;
  source: StreamSource | null;
  insight: Insight | null;
  /** No insight has been read for the stream on screen yet. */
  waiting: boolean;
  trackRecord: TrackRecord | null;
  trackProblem: string | null;
  /** The models' manifest: undefined while loading, null when it could not load. */
  manifest: unknown;
  symbols: string[];
  replay: ReplayState | null;
  replaySpeed: ReplaySpeed;
  replayBusy: boolean;
  replayError: string | null;
  streamError: string | null;
  online: boolean;
  /** When the status was last read (the status line's clock). */
  now: number;
}

/** What the page derives from the view: the feed on screen, the status line's mode and the simulated labels. */
export interface SessionFlags {
  feed: FeedInfo | null;
  mode: StatusMode;
  simulated: boolean;
  /** An exchange stream without live candles (connecting, cached only, offline): offer the simulated market now. */
  canSimulate: boolean;
}

export function sessionFlags(v: SessionView): SessionFlags {
  const feed = v.status?.feeds.find((f) => sameSeries(f, v.view)) ?? null;
  const mode = statusMode(feed, v.replay !== null, v.online);
  const simulated = v.source === 'simulated' || feed?.source === 'simulated' || v.selection.exchange === 'simulated';
  const canSimulate =
    !v.replay &&
    feed !== null &&
    feed.source !== 'simulated' &&
    feed.source !== 'replay' &&
    (mode !== 'live' || feed.candles === 0);
  return { feed, mode, simulated, canSimulate };
}

export interface StreamSessionOptions {
  engine: SessionEngine;
  selection: StreamSelection;
  overrides: EndpointOverrides;
  online: boolean;
  /** Receives the view after every change. */
  onView: (view: SessionView) => void;
  /** A new selection (picked, or an import): the page writes it into its URL. */
  onSelect?: (selection: StreamSelection) => void;
  /** Every insight of the stream on screen, with the selection it belongs to (the alerts). */
  onInsight?: (selection: StreamSelection, insight: Insight) => void;
  /** Runs the view changes of a frame so they reach the screen before its latency is recorded (Svelte's flushSync). */
  flush?: (fn: () => void) => void;
  /** The frame scheduler of the update batcher (requestAnimationFrame by default). */
  schedule?: (fn: () => void) => void;
  now?: () => number;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The stream on screen, without a DOM: opens the live subscription of the selection or a replay of its stored
 * candles, takes the engine's updates and draws them on the chart one frame at a time (StreamView,
 * UpdateBatcher), keeps the insight, track record, status, symbols and manifest the panels show, and polls the
 * engine while started. Every answer is tagged with the generation it was asked in; answers for a stream no
 * longer on screen are dropped. App.svelte renders `SessionView` and calls the methods.
 */
export class StreamSession {
  private v: SessionView;
  private chart: SessionChart | null = null;
  /** Bumped whenever the stream shown changes; updates and answers for an older generation are dropped. */
  private generation = 0;
  private subscriptionId: number | null = null;
  private lastTrackRecordAt = 0;
  /** The updates of the stream on screen, drawn one frame at a time. */
  private readonly streamView = new StreamView();
  private readonly batcher: UpdateBatcher<StreamUpdate>;
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private readonly engine: SessionEngine;
  private readonly flush: (fn: () => void) => void;
  private readonly clock: () => number;

  constructor(private readonly options: StreamSessionOptions) {
    this.engine = options.engine;
    this.flush = options.flush ?? ((fn) => fn());
    this.clock = options.now ?? (() => performance.now());
    const selection = options.selection;
    this.v = {
      selection,
      view: { ...selection },
      status: null,
      source: null,
      insight: null,
      waiting: true,
      trackRecord: null,
      trackProblem: null,
      manifest: undefined,
      symbols: [],
      replay: null,
      replaySpeed: 10,
      replayBusy: false,
      replayError: null,
      streamError: null,
      online: options.online,
      now: Date.now(),
    };
    // Renders the latest update: at most once per frame, straight away when updates are spaced out.
    this.batcher = new UpdateBatcher<StreamUpdate>(
      (u, since) => this.render(u, since),
      this.clock,
      options.schedule,
      () => (this.racing() ? RACING_RENDER_MS : 16),
    );
  }

  get view(): SessionView {
    return this.v;
  }

  private set(patch: Partial<SessionView>): void {
    this.v = { ...this.v, ...patch };
    this.options.onView(this.v);
  }

  /** Opens the selection on `chart`, reads status, symbols and manifest, and starts polling. */
  start(chart: SessionChart): void {
    this.chart = chart;
    void this.openLive(this.v.selection);
    void this.refreshStatus();
    void this.loadSymbols(this.v.selection.exchange);
    void this.loadManifest();
    this.timers.push(setInterval(() => void this.refreshStatus(), STATUS_MS));
    this.timers.push(
      setInterval(() => {
        if (!this.v.replay) void this.refreshPanels();
      }, REFRESH_MS),
    );
  }

  /** Stops polling and drawing (the page goes away); the engine's streams end with the worker. */
  dispose(): void {
    this.timers.forEach(clearInterval);
    this.timers.length = 0;
    this.batcher.dispose();
  }

  setOnline(online: boolean): void {
    if (online !== this.v.online) this.set({ online });
  }

  /** Shows another stream (picker, watchlist): live, with the symbols of its exchange when that changed. */
  choose(next: StreamSelection): void {
    const exchangeChanged = next.exchange !== this.v.selection.exchange;
    this.select(next);
    if (exchangeChanged) void this.loadSymbols(next.exchange);
    void this.openLive(next);
  }

  /** Shows a stored series (an import just written) and replays it at the current speed. */
  async replaySelection(next: StreamSelection): Promise<void> {
    this.select(next);
    void this.loadSymbols(next.exchange);
    await this.startReplay(this.v.replaySpeed);
  }

  private select(next: StreamSelection): void {
    this.set({ selection: next });
    this.options.onSelect?.(next);
  }

  /** Feeds the stream on screen from the simulated market now (the exchange is slow or unreachable). */
  async useSimulatedNow(): Promise<void> {
    const key = this.v.view;
    try {
      await this.engine.useSimulated(key.symbol, key.timeframe, key.exchange);
      if (sameSeries(key, this.v.view)) this.set({ source: 'simulated' });
      await this.refreshStatus();
    } catch (err) {
      this.set({ streamError: `Could not switch to the simulated market: ${describe(err)}` });
    }
  }

  /** A replay racing at 'max': the fan (which redraws the chart's time axis) waits until it slows or stops. */
  private racing(): boolean {
    const r = this.v.replay;
    return r !== null && r.state === 'playing' && r.speed === 'max';
  }

  private showInsight(next: Insight): void {
    this.set({ insight: next, waiting: false });
    if (!this.racing()) this.chart?.setFan(fanFromInsight(next, this.v.view.timeframe));
  }

  /** Takes a replay state; when it stops racing, the fan of the insight on screen is drawn. */
  private setReplay(next: ReplayState): void {
    const was = this.racing();
    this.set({ replay: next });
    const insight = this.v.insight;
    if (was && !this.racing() && insight) this.chart?.setFan(fanFromInsight(insight, this.v.view.timeframe));
  }

  private render(u: StreamUpdate, since: number): void {
    const frame = this.streamView.frame();
    if (frame.restart) this.chart?.setHistory(frame.candles);
    else this.chart?.updates(frame.candles);
    this.flush(() => {
      // A live stream can turn into the simulated market (exchange unreachable, or the user's choice).
      if (this.v.source !== u.source) this.set({ source: u.source });
      // Updates repeat the latest insight until a new one is computed: render only a new one.
      if (u.insight && !sameInsight(u.insight, this.v.insight)) this.showInsight(u.insight);
      const replay = this.v.replay;
      if (replay && u.key.exchange === REPLAY_EXCHANGE) this.setReplay(replayAfter(replay, u));
    });
    if (frame.markers) this.chart?.setMarkers(frame.markers);
    recordPanelLatency(this.clock() - since);
  }

  private updateHandler(gen: number, key: StreamKey): (u: StreamUpdate) => void {
    return proxy((u: StreamUpdate) => {
      if (gen !== this.generation || !sameSeries(u.key, key)) return;
      this.streamView.take(u);
      if (u.insight) this.options.onInsight?.(this.v.selection, u.insight);
      if (u.closed && Date.now() - this.lastTrackRecordAt > TRACK_RECORD_MIN_GAP_MS) void this.refreshTrackRecord();
      this.batcher.push(u);
    });
  }

  /** Ends whatever feeds the view now (live subscription or replay) and clears what it drew. */
  private async closeCurrent(): Promise<void> {
    this.batcher.reset();
    this.streamView.reset();
    const sub = this.subscriptionId;
    const rep = this.v.replay;
    this.subscriptionId = null;
    this.set({ insight: null, waiting: true, replay: null });
    if (sub !== null) await this.engine.unsubscribe(sub);
    if (rep) await this.engine.stopReplay(rep.id);
  }

  /** Subscribes to the live stream of `sel` (the replay or subscription before it ends). */
  async openLive(sel: StreamSelection): Promise<void> {
    const gen = ++this.generation;
    this.set({ streamError: null });
    try {
      await this.closeCurrent();
      const key: StreamKey = { ...sel };
      this.set({ view: key });
      const handler = this.updateHandler(gen, key);
      const info = await this.engine.subscribe(
        sel.symbol,
        sel.timeframe,
        sel.exchange,
        handler,
        this.options.overrides,
      );
      if (gen !== this.generation) {
        void this.engine.unsubscribe(info.id);
        return;
      }
      this.subscriptionId = info.id;
      this.set({ source: info.source });
      this.chart?.setHistory(info.history);
      // The latest insight's candle carries the CNN's detections too (history has the rules' only).
      const opened = this.streamView.open(info);
      if (opened) this.chart?.setMarkers(opened);
      if (info.insight) this.showInsight(info.insight);
      await this.refreshPanels();
    } catch (err) {
      if (gen === this.generation) {
        this.set({ streamError: `Could not open ${sel.symbol} ${sel.timeframe}: ${describe(err)}` });
      }
    }
  }

  private async refreshInsight(): Promise<void> {
    const gen = this.generation;
    const key = this.v.view;
    const answer = await this.engine.getInsights(key.symbol, key.timeframe, key.exchange);
    if (gen !== this.generation) return;
    // A pushed insight may already be newer than this answer.
    const insight = this.v.insight;
    if (answer && (!insight || answer.time >= insight.time)) this.showInsight(answer);
    this.set({ waiting: false });
  }

  private async refreshTrackRecord(): Promise<void> {
    this.lastTrackRecordAt = Date.now();
    const gen = this.generation;
    const key = this.v.view;
    try {
      const record = await this.engine.getTrackRecord(key.symbol, key.timeframe, key.exchange);
      if (gen !== this.generation) return;
      this.set({ trackRecord: record, trackProblem: null });
    } catch (err) {
      if (gen === this.generation) this.set({ trackProblem: describe(err) });
    }
  }

  private async refreshPanels(): Promise<void> {
    await Promise.allSettled([this.refreshInsight(), this.refreshTrackRecord()]);
  }

  async refreshStatus(): Promise<void> {
    try {
      this.set({ status: await this.engine.getStatus() });
    } finally {
      this.set({ now: Date.now() });
    }
  }

  private async loadSymbols(exchange: string): Promise<void> {
    let symbols: string[];
    try {
      symbols = await this.engine.listSymbols(exchange);
    } catch {
      symbols = [];
    }
    if (exchange === this.v.selection.exchange) this.set({ symbols });
  }

  private async loadManifest(): Promise<void> {
    let manifest: unknown;
    try {
      manifest = await this.engine.getModelManifest();
    } catch {
      manifest = null;
    }
    this.set({ manifest });
  }

  /** Replay: the stored candles of the selected stream go through the engine again, with predictions. */
  async startReplay(speed: ReplaySpeed, from?: number): Promise<void> {
    const sel = this.v.selection;
    const gen = ++this.generation;
    this.set({ replayBusy: true, replayError: null });
    try {
      await this.closeCurrent();
      this.chart?.setHistory([]);
      const key: StreamKey = { exchange: REPLAY_EXCHANGE, symbol: sel.symbol, timeframe: sel.timeframe };
      this.set({ view: key });
      const state = await this.engine.replay(
        sel.symbol,
        sel.timeframe,
        sel.exchange,
        speed,
        this.updateHandler(gen, key),
        from === undefined ? {} : { from },
      );
      if (gen !== this.generation) {
        void this.engine.stopReplay(state.id);
        return;
      }
      this.set({ replay: state, source: 'replay' });
    } catch (err) {
      if (gen === this.generation) {
        this.set({ replayError: `Replay failed: ${describe(err)}` });
        void this.openLive(sel);
      }
    } finally {
      this.set({ replayBusy: false });
    }
  }

  /** Play, pause, seek or speed of the running replay (nothing when none runs). */
  async controlReplay(action: ReplayAction, value?: number | ReplaySpeed): Promise<void> {
    const replay = this.v.replay;
    if (!replay) return;
    const gen = this.generation;
    this.set({ replayBusy: true, replayError: null });
    try {
      // A seek restarts the replay stream: its next update carries a new epoch and redraws the chart.
      const state = await this.engine.replayControl(replay.id, action, value);
      if (gen !== this.generation) return;
      this.setReplay(state);
    } catch (err) {
      this.set({ replayError: `Replay ${action} failed: ${describe(err)}` });
    } finally {
      this.set({ replayBusy: false });
    }
  }

  /** The speed of the next replay, and of the running one. */
  setReplaySpeed(speed: ReplaySpeed): void {
    this.set({ replaySpeed: speed });
    if (this.v.replay) void this.controlReplay('speed', speed);
  }

  /** Ends the replay and goes back to the live stream of the selection. */
  async stopReplay(): Promise<void> {
    await this.openLive(this.v.selection);
  }
}
