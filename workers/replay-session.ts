import type { Candle } from '../src/core/candles/candle';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { REPLAY_SPEEDS, ReplayFeed, type ReplaySpeed } from '../src/feeds/replay';
import type { ReplayAction, ReplayState } from './engine-api';
import type { Stream } from './stream';

/**
 * One replay of stored candles through a stream. Positions are candle indices (0 = nothing closed yet), so a
 * seek lands exactly where asked whatever the gaps or timeframe. Seeking rebuilds the stream: the candles
 * before the position are applied at once as history (features need them), and the replay continues from there.
 */
export class ReplaySession {
  private feed: ReplayFeed;
  private offset = 0;
  private speed: ReplaySpeed;

  constructor(
    readonly id: number,
    readonly stream: Stream,
    private readonly candles: readonly Candle[],
    speed: ReplaySpeed,
    private readonly models: () => PipelineModels,
  ) {
    this.speed = speed;
    this.feed = this.makeFeed(0);
  }

  /** Starts playing from candle index `from` (the candles before it warm the features up). */
  start(from = 0): void {
    if (from > 0) this.seekTo(from);
    this.feed.play();
  }

  control(action: ReplayAction, value?: number | ReplaySpeed): void {
    if (action === 'play') {
      // After the end, play starts over from the first candle.
      if (this.feed.status().state === 'ended') this.seekTo(0);
      this.feed.play();
    } else if (action === 'pause') this.feed.pause();
    else if (action === 'speed') {
      if (!REPLAY_SPEEDS.includes(value as ReplaySpeed)) throw new Error(`bad replay speed ${String(value)}`);
      this.speed = value as ReplaySpeed;
      this.feed.setSpeed(this.speed);
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error('seek needs a candle position');
      this.seekTo(Math.min(this.candles.length, Math.max(0, value)));
    }
  }

  /** The candle index of the first candle at or after `time` (the length when there is none). */
  indexOf(time: number): number {
    const index = this.candles.findIndex((c) => c.time >= time);
    return index < 0 ? this.candles.length : index;
  }

  state(): ReplayState {
    const s = this.feed.status();
    const position = s.position + this.offset;
    return {
      ...s,
      id: this.id,
      position,
      total: this.candles.length,
      time: position > 0 ? this.candles[position - 1]!.time : null,
      first: this.candles[0]?.time ?? null,
    };
  }

  stop(): void {
    this.feed.pause();
    this.stream.stop();
  }

  private seekTo(index: number): void {
    const wasPlaying = this.feed.status().state === 'playing';
    this.feed.pause();
    this.stream.reset(this.models());
    for (let i = 0; i < index; i++) this.stream.apply({ candle: this.candles[i]!, closed: true });
    this.feed = this.makeFeed(index);
    if (wasPlaying) this.feed.play();
  }

  private makeFeed(from: number): ReplayFeed {
    this.offset = from;
    const feed = new ReplayFeed(
      this.candles.slice(from),
      {
        onCandle: (u) => this.stream.apply(u),
        ready: () => this.stream.idle(),
        onStatus: (s) => this.stream.replayState(s.state),
      },
      { speed: this.speed },
    );
    this.stream.attach({ start: () => undefined, stop: () => feed.pause() }, 'replay');
    return feed;
  }
}
