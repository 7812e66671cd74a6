import { beforeEach, describe, expect, it } from 'vitest';
import { CandleStore } from '../../../src/store/candle-store';
import { openCandlecastDb, type CandlecastDb } from '../../../src/store/db';
import { ModelCache } from '../../../src/store/model-cache';
import { QuotaGuard } from '../../../src/store/quota-guard';
import { DEFAULT_SETTINGS, SettingsStore, type Settings } from '../../../src/store/settings-store';
import { syntheticCandles } from './candles';
import { freshIdbFactory } from '../../helpers/fake-idb';

describe('SettingsStore', () => {
  let db: CandlecastDb;
  let settings: SettingsStore;

  beforeEach(async () => {
    db = await openCandlecastDb('settings', freshIdbFactory());
    settings = new SettingsStore(db);
  });

  it('reads defaults, then what was set', async () => {
    expect(await settings.getAll()).toEqual(DEFAULT_SETTINGS);
    await settings.set('theme', 'dark');
    await settings.set('timeframe', '15m');
    await settings.set('replaySpeed', 'max');
    expect(await settings.get('theme')).toBe('dark');
    expect(await settings.getAll()).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      timeframe: '15m',
      replaySpeed: 'max',
    });
    await settings.reset('theme');
    expect(await settings.get('theme')).toBe(DEFAULT_SETTINGS.theme);
  });

  it('refuses invalid values and reads unreadable stored ones as the default', async () => {
    await expect(settings.set('replaySpeed', 5 as Settings['replaySpeed'])).rejects.toThrow(
      'setting replaySpeed: invalid value 5',
    );
    await expect(settings.set('timeframe', '7m' as Settings['timeframe'])).rejects.toThrow('invalid value "7m"');
    await db.put('settings', { key: 'symbol', value: 42 });
    expect(await settings.get('symbol')).toBe(DEFAULT_SETTINGS.symbol);
  });
});

describe('ModelCache', () => {
  it('stores files by url and version, lists them and drops old versions', async () => {
    const db = await openCandlecastDb('models', freshIdbFactory());
    let clock = 5;
    const models = new ModelCache(db, { now: () => clock });
    const weights = new Float32Array([1.5, -2, 3.25]).buffer;
    await models.put('/models/cnn.bin', 'v1', weights);
    clock = 6;
    await models.put('/models/cnn.bin', 'v2', new Uint8Array([9, 8]).buffer);
    expect(new Float32Array((await models.get('/models/cnn.bin', 'v1'))!)).toEqual(new Float32Array([1.5, -2, 3.25]));
    expect(await models.has('/models/cnn.bin', 'v2')).toBe(true);
    expect(await models.get('/models/cnn.bin', 'v3')).toBeUndefined();
    expect(await models.list()).toEqual([
      { url: '/models/cnn.bin', version: 'v1', bytes: 12, storedAt: 5 },
      { url: '/models/cnn.bin', version: 'v2', bytes: 2, storedAt: 6 },
    ]);
    expect(await models.deleteOtherVersions('v2')).toBe(1);
    expect(await models.has('/models/cnn.bin', 'v1')).toBe(false);
    await expect(models.put('', 'v1', weights)).rejects.toThrow('url is empty');
  });

  it('evicts old candles through a shared guard when a model file hits the quota', async () => {
    const db = await openCandlecastDb('models-quota', freshIdbFactory());
    const guard = new QuotaGuard(db, { evictionBatch: 8 });
    const candles = new CandleStore(db, { guard });
    await candles.upsert({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' }, syntheticCandles(25, 0));
    // Model writes fail while more than 10 candles are cached (a stand-in for the origin's quota).
    const quotaAware = {
      database: async () => {
        if ((await db.count('candles')) > 10) {
          return new Proxy(db, {
            get: (target, prop) =>
              prop === 'put'
                ? () => Promise.reject(new DOMException('full', 'QuotaExceededError'))
                : Reflect.get(target, prop),
          });
        }
        return db;
      },
    };
    const models = new ModelCache(quotaAware, { guard });
    await models.put('/models/ensemble.onnx', 'v1', new Uint8Array(64).buffer);
    expect(await models.has('/models/ensemble.onnx', 'v1')).toBe(true);
    // 25 cached: evict 8 (17 left, still > 10), then 16 (1 left); the file is stored on the third try.
    expect(await candles.count()).toBe(1);
    expect(candles.status()).toMatchObject({ evictions: 2, evictedCandles: 24, quotaErrors: 2 });
    expect(candles.status().lastEviction?.reason).toMatch(/while storing model file \/models\/ensemble.onnx/);
  });
});
