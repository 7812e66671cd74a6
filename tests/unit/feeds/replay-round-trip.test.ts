import { describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import type { Candle } from '../../../src/core/candles/candle';
import { formatCandlesCsv, parseCandlesCsv } from '../../../src/feeds/csv';
import { ReplayFeed } from '../../../src/feeds/replay';
import { CandleStore } from '../../../src/store/candle-store';
import { openCandlecastDb } from '../../../src/store/db';
import { hasCandleData, loadCandles } from '../../helpers/data';
import { freshIdbFactory } from '../../helpers/fake-idb';

/** Replays `candles` at 'max' on the real event loop and resolves with the closed candles, in emitted order. */
function replayAll(candles: readonly Candle[]): Promise<Candle[]> {
  return new Promise((resolve) => {
    const out: Candle[] = [];
    const feed = new ReplayFeed(
      candles,
      { onCandle: (u) => u.closed && out.push(u.candle), onEnd: () => resolve(out) },
      { speed: 'max' },
    );
    feed.play();
  });
}

describe.skipIf(!hasCandleData)('real candles: store -> replay', () => {
  it('a year of BTCUSDT 1h comes back exactly from IndexedDB and through the replay', async () => {
    const original = loadCandles('binance_BTCUSDT_1h_2023-01_2024-01.csv');
    const key: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1h' };
    const store = new CandleStore(await openCandlecastDb('real', freshIdbFactory()));
    const result = await store.upsert(key, original);
    expect(result).toEqual({ stored: original.length, rejected: [], error: null });
    expect(await store.upsert(key, original.slice(100, 300))).toMatchObject({ stored: 200 });
    expect(await store.count(key)).toBe(original.length);
    const stored = await store.range(key);
    expect(stored).toEqual(original);
    expect(await replayAll(stored)).toEqual(original);
  });

  it('an imported CSV file is stored under "import" and replays exactly', async () => {
    const original = loadCandles('binance_ETHUSDT_15m_2023-04_2024-04.csv', 5000);
    // What the file picker / drop zone does: parse the text, upsert under exchange "import", replay from the store.
    const parsed = parseCandlesCsv(formatCandlesCsv(original), { source: 'dropped.csv', timeframe: '15m' });
    const key: SeriesKey = { exchange: 'import', symbol: 'ETHUSDT', timeframe: '15m' };
    const store = new CandleStore(await openCandlecastDb('import', freshIdbFactory()));
    expect((await store.upsert(key, parsed)).stored).toBe(5000);
    const from = original[1000]!.time;
    const to = original[1999]!.time;
    expect(await store.range(key, from, to)).toEqual(original.slice(1000, 2000));
    expect(await replayAll(await store.range(key))).toEqual(original);
    expect(await store.series()).toEqual([
      { ...key, count: 5000, first: original[0]!.time, last: original[4999]!.time },
    ]);
  });
});
