import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineModels } from '../../../src/core/insights/pipeline';
import { CandleSources, chooseSource, IMPORT_EXCHANGE, loopbackEndpoints } from '../../../workers/candle-source';
import { openStorage } from '../../../workers/storage';
import { Stream } from '../../../workers/stream';
import { freshIdbFactory } from '../../helpers/fake-idb';
import { syntheticCandles } from '../store/candles';

const NO_MODELS: PipelineModels = { cnn: null, cnnError: 'none in this test', price: null, priceError: 'none' };
const T0 = Date.UTC(2024, 0, 1);
const IMPORTED = { exchange: IMPORT_EXCHANGE, symbol: 'ETHUSDT', timeframe: '15m' } as const;

const streams: Stream[] = [];
function stream(key: Stream['key']): Stream {
  const s = new Stream(key, 'simulated', NO_MODELS);
  streams.push(s);
  return s;
}
afterEach(() => {
  for (const s of streams.splice(0)) s.stop();
});

describe('chooseSource', () => {
  it('an exchange goes live, an import is served as stored, any other name is the simulated market', () => {
    expect(chooseSource({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' })).toEqual({
      kind: 'exchange',
      exchange: 'binance',
    });
    expect(chooseSource(IMPORTED)).toEqual({ kind: 'stored' });
    expect(chooseSource({ exchange: 'simulated', symbol: 'BTCUSDT', timeframe: '1m' })).toEqual({ kind: 'simulated' });
    expect(chooseSource({ exchange: 'nosuchvenue', symbol: 'BTCUSDT', timeframe: '1m' })).toEqual({
      kind: 'simulated',
    });
  });

  it('honours endpoint overrides on loopback addresses only', () => {
    expect(loopbackEndpoints({})).toBeNull();
    expect(loopbackEndpoints({ restUrl: 'https://api.example.com', wsUrl: 'wss://example.com/ws' })).toBeNull();
    expect(loopbackEndpoints({ restUrl: 'http://127.0.0.1:9000', wsUrl: 'wss://example.com/ws' })).toEqual({
      restUrl: 'http://127.0.0.1:9000',
    });
    expect(loopbackEndpoints({ wsUrl: 'ws://localhost:9001' })).toEqual({ wsUrl: 'ws://localhost:9001' });
  });
});

describe('CandleSources', () => {
  it('keeps imports in memory without IndexedDB and in IndexedDB with it, and reads them back', async () => {
    const candles = syntheticCandles(30, T0, 15 * 60_000);
    for (const storage of [null, openStorage(freshIdbFactory())]) {
      const sources = new CandleSources(storage, () => NO_MODELS);
      await sources.storeImport(IMPORTED, candles);
      expect(await sources.stored(IMPORTED)).toEqual(candles);
      expect(await sources.stored(IMPORTED, 5)).toEqual(candles.slice(-5));
      expect(await sources.stored({ ...IMPORTED, symbol: 'SOLUSDT' })).toEqual([]);
    }
  });

  it('serves a stored import as it is: source "cache", status "stored", its candles', async () => {
    const candles = syntheticCandles(40, T0, 15 * 60_000);
    const sources = new CandleSources(null, () => NO_MODELS);
    await sources.storeImport(IMPORTED, candles);
    const s = stream(IMPORTED);
    await sources.start(s);
    await s.idle();
    expect(s.source).toBe('cache');
    expect(s.status).toEqual({ kind: 'stored' });
    expect(s.history()).toEqual(candles);
  });

  it('an import with nothing stored falls back to the simulated market and says why', async () => {
    const sources = new CandleSources(null, () => NO_MODELS);
    const s = stream(IMPORTED);
    await sources.start(s);
    expect(s.source).toBe('simulated');
    expect(s.status).toEqual({ kind: 'simulated' });
    expect(s.detail).toBe('no stored candles for import ETHUSDT 15m: simulated market');
  });

  it('switching to the simulated market forgets the candles so far and names the reason', async () => {
    const candles = syntheticCandles(10, T0, 15 * 60_000);
    const sources = new CandleSources(null, () => NO_MODELS);
    await sources.storeImport(IMPORTED, candles);
    const s = stream(IMPORTED);
    await sources.start(s);
    await s.idle();
    sources.simulate(s, 'the user asked');
    await s.idle();
    expect(s.source).toBe('simulated');
    expect(s.detail).toBe('the user asked');
    // The simulated market's own history replaced the import's candles.
    expect(s.history().some((c) => candles.some((d) => d.time === c.time && d.close === c.close))).toBe(false);
  });
});
