import type { Candle } from '../src/core/candles/candle';
import { parseTimeframe, type Timeframe } from '../src/core/candles/timeframe';
import { SimulatedFeed } from '../src/feeds/simulated-feed';
import pkg from '../package.json';
import type { EngineApi, EngineStatus, StreamKey, StreamUpdate, SubscriptionInfo, WebGpuInfo } from './engine-api';
import { Stream, streamId } from './stream';
import { probeWebGpu } from './webgpu-probe';

/**
 * The engine behind the worker: owns the streams and (as they land) the feature engine, models and insight
 * builder. Everything here runs off the main thread; the UI only renders what it pushes.
 */
export class Engine implements EngineApi {
  private readonly streams = new Map<string, Stream>();
  private readonly subscriptions = new Map<number, Stream>();
  private nextSubscriptionId = 1;
  private webgpu: Promise<WebGpuInfo> | null = null;

  async getStatus(): Promise<EngineStatus> {
    this.webgpu ??= probeWebGpu();
    return {
      version: pkg.version,
      webgpu: await this.webgpu,
      crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
      feeds: [...this.streams.values()].map((s) => s.info()),
      models: {
        pattern_cnn: { loaded: false, backend: null, version: null, error: 'pattern CNN not loaded yet' },
        price_ensemble: { loaded: false, backend: null, version: null, error: 'price ensemble not loaded yet' },
      },
    };
  }

  async subscribe(
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (update: StreamUpdate) => void,
  ): Promise<SubscriptionInfo> {
    const stream = this.streamFor({ exchange, symbol: symbol.toUpperCase(), timeframe: parseTimeframe(timeframe) });
    const id = this.nextSubscriptionId++;
    stream.listeners.set(id, onUpdate);
    this.subscriptions.set(id, stream);
    return { id, source: stream.source, history: stream.history() };
  }

  async unsubscribe(id: number): Promise<void> {
    const stream = this.subscriptions.get(id);
    if (!stream) return;
    this.subscriptions.delete(id);
    stream.listeners.delete(id);
    if (stream.listeners.size === 0) {
      stream.stop();
      this.streams.delete(streamId(stream.key));
    }
  }

  async getCandles(symbol: string, timeframe: Timeframe, exchange: string, limit?: number): Promise<Candle[]> {
    const stream = this.streams.get(streamId({ exchange, symbol: symbol.toUpperCase(), timeframe }));
    return stream ? stream.history(limit) : [];
  }

  private streamFor(key: StreamKey): Stream {
    const id = streamId(key);
    let stream = this.streams.get(id);
    if (stream) return stream;
    stream = new Stream(key, 'simulated');
    this.streams.set(id, stream);
    this.startSimulated(stream);
    return stream;
  }

  private startSimulated(stream: Stream): void {
    stream.source = 'simulated';
    stream.state = 'simulated';
    const target = stream;
    stream.attach(
      new SimulatedFeed({ symbol: stream.key.symbol, timeframe: stream.key.timeframe }, { onCandle: (u) => target.apply(u) }),
    );
  }
}
