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
      return found.length > 0 ? [{ time: c.time, rules: found }] : [];
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
  });

  it.skipIf(!hasCandleData)('replays imported real candles at max speed with insights, and seeks', async () => {
    const engine = engineWithFakeDb();
    const candles = loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 600);
    await engine.importCandles('eth.csv', formatCandlesCsv(candles), 'ETHUSDT', '1h');
    const closes: number[] = [];
    let lastInsightTime = 0;
    const state = await engine.replay('ETHUSDT', '1h', 'import', 'max', (u) => {
      if (u.closed) closes.push(u.candle.time);
      if (u.insight) lastInsightTime = u.insight.time;
    });
    expect(state.total).toBe(600);
    for (let i = 0; i < 200 && closes.length < 600; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closes).toEqual(candles.map((c) => c.time));
    expect(lastInsightTime).toBe(candles.at(-1)!.time);
    const seeked = await engine.replayControl(state.id, 'seek', candles[300]!.time);
    expect(seeked.position).toBe(300);
    const history = await engine.getCandles('ETHUSDT', '1h', 'replay');
    expect(history.map((c) => c.time)).toEqual(candles.slice(0, 300).map((c) => c.time));
    await engine.stopReplay(state.id);
  });
});
