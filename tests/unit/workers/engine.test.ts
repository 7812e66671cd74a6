import { describe, expect, it } from 'vitest';
import { freshIdbFactory } from '../../helpers/fake-idb';
import { Engine } from '../../../workers/engine';
import { openStorage } from '../../../workers/storage';
import type { StreamUpdate } from '../../../workers/engine-api';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { detectPatterns } from '../../../src/core/patterns/rules';
import { toColumns } from '../../../src/core/candles/candle';
import { formatCandlesCsv } from '../../../src/feeds/csv';
import { hasCandleData, loadCandles } from '../../helpers/data';

const noModels = async () => ({
  cnn: null,
  cnnError: 'not shipped in this test',
  price: null,
  priceError: 'not shipped in this test',
});

function engineWithFakeDb(): Engine {
  return new Engine({ loadModels: noModels, storage: openStorage(freshIdbFactory()) });
}

describe('Engine (worker side, run in Node)', () => {
  it('streams the simulated market and answers getInsights with the SPEC §2 shape', async () => {
    const engine = engineWithFakeDb();
    await engine.ready();
    const updates: StreamUpdate[] = [];
    const sub = await engine.subscribe('btcusdt', '1m', 'simulated', (u) => updates.push(u));
    expect(sub.source).toBe('simulated');
    expect(sub.history.length).toBeGreaterThanOrEqual(500);
    // The history's rule detections come with it, as detectPatterns finds them, for closed candles only (the
    // simulated market's newest candle is still open).
    const closed = sub.history.slice(0, -1);
    const flags = detectPatterns(toColumns(closed));
    const expected = closed.flatMap((c, i) => {
      const found = PATTERN_NAMES.filter((p) => flags[p][i] === 1);
      return found.length > 0 ? [{ time: c.time, rules: found, cnn: [] }] : [];
    });
    expect(expected.length).toBeGreaterThan(10);
    expect(sub.historyPatterns).toEqual(expected.slice(-300));
    const insight = await engine.getInsights('BTCUSDT', '1m', 'simulated');
    expect(insight).not.toBeNull();
    expect(insight!.symbol).toBe('BTCUSDT');
    expect(insight!.time).toBe(sub.history.at(-1)!.time);
    expect(insight!.current_price).toBe(sub.history.at(-1)!.close);
    expect(Object.keys(insight!.patterns.rules)).toEqual([...PATTERN_NAMES]);
    expect(insight!.model_status).toMatchObject({
      pattern_cnn_loaded: false,
      price_predictor_loaded: false,
      models_loaded: false,
    });
    expect(insight!.model_status.error).toContain('pattern CNN not loaded: not shipped in this test');
    expect(insight!.confidence).toBeNull();
    expect(JSON.stringify(insight)).not.toMatch(/NaN|Infinity/);
    expect(await engine.getPatterns('BTCUSDT', '1m')).toEqual(insight!.patterns);
    const status = await engine.getStatus();
    expect(status.feeds[0]).toMatchObject({ exchange: 'simulated', symbol: 'BTCUSDT', source: 'simulated' });
    expect(status.models.pattern_cnn).toMatchObject({ loaded: false, error: 'not shipped in this test' });
    await engine.unsubscribe(sub.id);
    expect((await engine.getStatus()).feeds).toEqual([]);
  });

  it('reports the pattern CNN backend and why it was chosen in getStatus', async () => {
    const reason = 'wasm: 0.61 ms vs cpu 2.9 ms, webgpu 40 ms';
    const engine = new Engine({
      storage: null,
      loadModels: async () => ({
        cnn: {
          backend: 'wasm',
          version: 'cnn-test',
          thresholds: Object.fromEntries(PATTERN_NAMES.map((p) => [p, 0.5])) as Record<
            (typeof PATTERN_NAMES)[number],
            number
          >,
          selection: { reason },
          predict: async (_w: Float32Array, batch: number) => new Float32Array(batch * PATTERN_NAMES.length),
        },
        cnnError: null,
        price: null,
        priceError: 'not shipped in this test',
      }),
    });
    await engine.ready();
    expect((await engine.getStatus()).models.pattern_cnn).toEqual({
      loaded: true,
      backend: 'wasm',
      backend_reason: reason,
      version: 'cnn-test',
      error: null,
    });
  });

  it('imports CSV candles and rejects bad ones with a one-line error', async () => {
    const engine = engineWithFakeDb();
    const csv = 'time,open,high,low,close,volume\n1700000040000,1,2,0.5,1.5,10\n1700000100000,1.5,1.6,1.4,1.45,0\n';
    const result = await engine.importCandles('my.csv', csv, 'abcusdt', '1m');
    expect(result).toEqual({
      key: { exchange: 'import', symbol: 'ABCUSDT', timeframe: '1m' },
      candles: 2,
      first: 1700000040000,
      last: 1700000100000,
    });
    await expect(
      engine.importCandles('bad.csv', 'time,open,high,low,close,volume\n1700000040000,1,0.5,2,1,1\n', 'X', '1m'),
    ).rejects.toThrow('bad.csv:2: high 0.5 < low 2');
    // Hourly candles imported as 1m: refused, naming the timeframe the timestamps show.
    const hourly = 'time,open,high,low,close,volume\n1699999200000,1,2,0.5,1.5,10\n1700002800000,1.5,1.6,1.4,1.45,0\n';
    await expect(engine.importCandles('h.csv', hourly, 'X', '1m')).rejects.toThrow(
      'h.csv: these are 1h candles (from their timestamps), not 1m: import them as 1h',
    );
    await expect(engine.importCandles('h.csv', hourly, 'X', '1h')).resolves.toMatchObject({ candles: 2 });
  });

  it.skipIf(!hasCandleData)(
    'replays imported real candles at max speed with insights, in batches, and seeks',
    async () => {
      const engine = engineWithFakeDb();
      const candles = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 600);
      await engine.importCandles('eth.csv', formatCandlesCsv(candles), 'ETHUSDT', '1h');
      const updates: StreamUpdate[] = [];
      const closedOf = (list: StreamUpdate[]) => list.flatMap((u) => [...u.earlier, ...(u.closed ? [u.candle] : [])]);
      const state = await engine.replay('ETHUSDT', '1h', 'import', 'max', (u) => void updates.push(u));
      expect(state).toMatchObject({ total: 600, first: candles[0]!.time });
      for (let i = 0; i < 200 && closedOf(updates).length < 600; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closedOf(updates).map((c) => c.time)).toEqual(candles.map((c) => c.time));
      // A burst arrives in a few messages, not one per candle; each says how many candles have closed.
      expect(updates.length).toBeLessThan(60);
      expect(updates.at(-1)).toMatchObject({ closedCount: 600, epoch: 0 });
      expect(updates.at(-1)!.insight!.time).toBe(candles.at(-1)!.time);

      // Seek by position: the stream restarts (new epoch) from the 300 candles before it.
      updates.length = 0;
      const seeked = await engine.replayControl(state.id, 'seek', 300);
      expect(seeked).toMatchObject({ position: 300, time: candles[299]!.time, state: 'paused' });
      const history = await engine.getCandles('ETHUSDT', '1h', 'replay');
      expect(history.map((c) => c.time)).toEqual(candles.slice(0, 300).map((c) => c.time));
      expect(closedOf(updates).map((c) => c.time)).toEqual(candles.slice(0, 300).map((c) => c.time));
      expect(updates.every((u) => u.epoch === 1)).toBe(true);
      expect(updates.at(-1)!.closedCount).toBe(300);
      // Play after the end starts over from the first candle.
      await engine.replayControl(state.id, 'seek', 600);
      await engine.replayControl(state.id, 'play');
      await engine.stopReplay(state.id);

      // A start date: the candles before it are history, the replay position starts there.
      const late = await engine.replay('ETHUSDT', '1h', 'import', 1, () => undefined, { from: candles[450]!.time });
      expect(late).toMatchObject({ position: 450, state: 'playing' });
      await engine.stopReplay(late.id);
    },
  );
});
