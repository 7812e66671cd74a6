import { describe, expect, it } from 'vitest';
import { loadNodeModels } from '../../../src/cli/models';
import { runBacktest } from '../../../src/core/backtest';
import { formatCandlesCsv } from '../../../src/feeds/csv';
import { Engine } from '../../../workers/engine';
import { openStorage } from '../../../workers/storage';
import { freshIdbFactory } from '../../helpers/fake-idb';
import { hasCandleData, loadCandles } from '../../helpers/data';

describe.skipIf(!hasCandleData)('engine.backtest (worker side, run in Node with the shipped models)', () => {
  it('backtests an imported series like the core does, reports progress, caches per model and cost', async () => {
    const candles = loadCandles('binance_SOLUSDT_15m_2023-04_2024-04.csv', 1800);
    const factory = freshIdbFactory();
    const engine = new Engine({ loadModels: loadNodeModels, storage: openStorage(factory, 'bt') });
    await engine.importCandles('sol.csv', formatCandlesCsv(candles), 'SOLUSDT', '15m');
    const stages = new Set<string>();
    let last = 0;
    const first = await engine.backtest('SOLUSDT', '15m', 'import', { cost: 0.001, slippage: 0.0002 }, (s, f) => {
      stages.add(s);
      last = f;
    });
    expect(first.cached).toBe(false);
    expect([...stages]).toEqual(['features', 'pattern CNN', 'price ensemble', 'signals']);
    expect(last).toBe(1);
    const core = await runBacktest(candles, await loadNodeModels(), {
      cost: 0.001,
      slippage: 0.0002,
      key: { exchange: 'import', symbol: 'SOLUSDT', timeframe: '15m' },
    });
    expect(first.report).toEqual(core.report);
    expect(first.trades).toEqual(core.trades);
    expect(first.report.combined.trades).toBeGreaterThan(0);

    const again = await engine.backtest('SOLUSDT', '15m', 'import', { cost: 0.001, slippage: 0.0002 });
    expect(again.cached).toBe(true);
    expect(again.report).toEqual(first.report);
    expect(Array.from(again.equity.combined)).toEqual(Array.from(first.equity.combined));
    // the cache is in IndexedDB: a new engine on the same database reads it
    const reopened = new Engine({ loadModels: loadNodeModels, storage: openStorage(factory, 'bt') });
    expect((await reopened.backtest('SOLUSDT', '15m', 'import', { cost: 0.001, slippage: 0.0002 })).cached).toBe(true);
    // another cost is another entry
    const dearer = await engine.backtest('SOLUSDT', '15m', 'import', { cost: 0.002, slippage: 0.0002 });
    expect(dearer.cached).toBe(false);
    expect(dearer.report.cost).toBe(0.002);
    expect(dearer.report.combined.return).toBeLessThan(first.report.combined.return);
  }, 180_000);

  it('says plainly when there is nothing to backtest', async () => {
    const engine = new Engine({
      loadModels: async () => ({ cnn: null, cnnError: 'x', price: null, priceError: 'x' }),
      storage: openStorage(freshIdbFactory()),
    });
    await expect(engine.backtest('NOPE', '1m', 'import', { cost: 0.001, slippage: 0 })).rejects.toThrow(
      'nothing to backtest: no stored candles for import NOPE 1m',
    );
  });
});
