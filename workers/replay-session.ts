import type { Candle } from '../src/core/candles/candle';
import type { PipelineModels } from '../src/core/insights/pipeline';
import { ReplayFeed, type ReplaySpeed } from '../src/feeds/replay';
import type { ReplayState } from './engine-api';
import type { Stream } from './stream';

/**
 * One replay of stored candles through a stream. Seeking rebuilds the stream: the candles before the seek
 * time are applied at once as history (features need them), and the replay continues from there.
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

  play(): void {
    this.feed.play();
  }

  control(action: 'play' | 'pause' | 'seek' | 'speed', value?: number | ReplaySpeed): void {
    if (action === 'play') this.feed.play();
    else if (action === 'pause') this.feed.pause();
    else if (action === 'speed') {
      if (value !== 1 && value !== 10 && value !== 100 && value !== 'max')
        throw new Error(`bad replay speed ${String(value)}`);
      this.speed = value;
      this.feed.setSpeed(value);
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('seek needs a time (epoch ms)');
      this.seek(value);
    }
  }

  state(): ReplayState {
    const s = this.feed.status();
    return { ...s, id: this.id, position: s.position + this.offset, total: this.candles.length };
  }

  stop(): void {
    this.feed.pause();
    this.stream.stop();
  }

  private seek(time: number): void {
    const wasPlaying = this.feed.status().state === 'playing';
    this.feed.pause();
    let index = this.candles.findIndex((c) => c.time >= time);
    if (index < 0) index = this.candles.length;
    this.stream.reset(this.models());
    for (let i = 0; i < index; i++) this.stream.apply({ candle: this.candles[i]!, closed: true });
    this.feed = this.makeFeed(index);
    if (wasPlaying) this.feed.play();
  }

  private makeFeed(from: number): ReplayFeed {
    this.offset = from;
    const feed = new ReplayFeed(
      this.candles.slice(from),
      this.stream.key.timeframe,
      {
        onCandle: (u) => this.stream.apply(u),
        onStatus: (s) => {
          this.stream.state = s.state === 'ended' ? 'replay ended' : `replay ${s.state}`;
        },
      },
      { speed: this.speed },
    );
    this.stream.attach({ start: () => undefined, stop: () => feed.pause() }, 'replay');
    return feed;
  }
}
