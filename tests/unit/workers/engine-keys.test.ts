import { describe, expect, it } from 'vitest';
import { Engine } from '../../../workers/engine';

const noModels = async () => ({ cnn: null, cnnError: 'none in this test', price: null, priceError: 'none' });

describe('Engine: every call names a stream by the one normalised SeriesKey', () => {
  it('differently written keys reach the same stream, and an unknown timeframe is refused in one line', async () => {
    const engine = new Engine({ loadModels: noModels, storage: null });
    await engine.ready();
    const a = await engine.subscribe('btcusdt', '1m', 'Simulated', () => {});
    const b = await engine.subscribe(' BTCUSDT ', '1m', 'simulated', () => {});
    const feeds = (await engine.getStatus()).feeds;
    expect(feeds).toHaveLength(1);
    expect(feeds[0]).toMatchObject({ exchange: 'simulated', symbol: 'BTCUSDT', timeframe: '1m' });
    const insight = await engine.getInsights('btcUSDT', '1m', 'SIMULATED');
    expect(insight?.symbol).toBe('BTCUSDT');
    expect((await engine.getCandles('Btcusdt', '1m', 'simulated')).length).toBeGreaterThan(0);
    await expect(engine.subscribe('BTCUSDT', '7m' as '1m', 'simulated', () => {})).rejects.toThrow(
      'unknown timeframe "7m"',
    );
    await engine.unsubscribe(a.id);
    expect((await engine.getStatus()).feeds).toHaveLength(1);
    await engine.unsubscribe(b.id);
    expect((await engine.getStatus()).feeds).toEqual([]);
  });

  it('an import is stored and replayed under its normalised key', async () => {
    const engine = new Engine({ loadModels: noModels, storage: null });
    await engine.ready();
    const rows = Array.from({ length: 30 }, (_, i) => {
      const t = Date.UTC(2024, 0, 1) + i * 3_600_000;
      return `${t},${100 + i},${101 + i},${99 + i},${100.5 + i},${10 + i}`;
    });
    const csv = `time,open,high,low,close,volume\n${rows.join('\n')}\n`;
    const imported = await engine.importCandles('eth.csv', csv, ' ethusdt', '1h');
    expect(imported.key).toEqual({ exchange: 'import', symbol: 'ETHUSDT', timeframe: '1h' });
    const state = await engine.replay('ETHUSDT', '1h', 'IMPORT', 'max', () => {});
    expect(state.total).toBe(30);
    await engine.stopReplay(state.id);
  });
});
