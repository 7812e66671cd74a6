import type { Candle } from '../core/candles/candle';
import type { ReplayState, StreamUpdate, SubscriptionInfo } from '../../workers/engine-api';
import { MarkerHistory, type PatternMarker } from './chart-model';

/** What one frame draws: the candles that arrived since the last, whether they replace the chart, new markers. */
export interface ViewFrame {
  candles: Candle[];
  /** The stream restarted (a replay seek): the candles replace the chart instead of extending it. */
  restart: boolean;
  /** The pattern markers to draw, when they changed since the last frame (else null). */
  markers: PatternMarker[] | null;
}

/**
 * The session's view of the stream on screen, without a DOM: it takes the engine's updates as they come and
 * hands the page one frame at a time (App.svelte draws at most one frame per animation frame). A new epoch
 * means the stream restarted: what came before it is dropped and the next frame replaces the chart.
 */
export class StreamView {
  private pending: Candle[] = [];
  private restart = false;
  private epoch: number | null = null;
  private markersDirty = false;
  private readonly history: MarkerHistory;

  constructor(markerCapacity?: number) {
    this.history = new MarkerHistory(markerCapacity);
  }

  /** Takes one update in order. */
  take(u: StreamUpdate): void {
    if (this.epoch !== null && u.epoch !== this.epoch) {
      this.pending = [];
      this.restart = true;
      this.history.clear();
      this.markersDirty = true;
    }
    this.epoch = u.epoch;
    for (const c of u.earlier) this.pending.push(c);
    this.pending.push(u.candle);
    // Mark the patterns of the candle that closed, when the insight is that candle's (not an older one's).
    if (u.closed && u.insight?.time === u.candle.time && this.history.record(u.insight)) this.markersDirty = true;
  }

  /**
   * Marks what the view opened with (the latest insight's candle, the rule detections of the history) and returns
   * the markers to draw now, or null when none changed. Candles already pending stay for the next frame.
   */
  open(info: Pick<SubscriptionInfo, 'insight' | 'historyPatterns'>): PatternMarker[] | null {
    const latest = info.insight !== null && this.history.record(info.insight);
    if (this.history.recordHistory(info.historyPatterns) || latest) this.markersDirty = true;
    if (!this.markersDirty) return null;
    this.markersDirty = false;
    return this.history.markers();
  }

  /** The frame to draw now; afterwards nothing is pending. */
  frame(): ViewFrame {
    const f: ViewFrame = {
      candles: this.pending,
      restart: this.restart,
      markers: this.markersDirty ? this.history.markers() : null,
    };
    this.pending = [];
    this.restart = false;
    this.markersDirty = false;
    return f;
  }

  /** Forgets everything (a new stream goes on screen). */
  reset(): void {
    this.pending = [];
    this.restart = false;
    this.epoch = null;
    this.history.clear();
    this.markersDirty = false;
  }
}

/** The replay state after an update of the replay stream: its true position, time and whether it ended. */
export function replayAfter(replay: ReplayState, u: StreamUpdate): ReplayState {
  const position = Math.min(replay.total, u.closedCount);
  const time = u.closed ? u.candle.time : (u.earlier.at(-1)?.time ?? replay.time);
  return { ...replay, position, time, state: position >= replay.total ? 'ended' : replay.state };
}
