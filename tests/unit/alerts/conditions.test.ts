import { describe, expect, it } from 'vitest';
import { alertsToFire, type AlertInsight, type StreamAlert } from '../../../src/core/alerts/conditions';
import type { SeriesKey } from '../../../src/core/candles/series-key';
import { PATTERN_NAMES } from '../../../src/core/patterns/names';
import { AlertStore } from '../../../src/store/alert-store';
import { CandlecastConnection } from '../../../src/store/connection';
import { freshIdbFactory } from '../../helpers/fake-idb';

const STREAM: SeriesKey = { exchange: 'import', symbol: 'ETHUSDT', timeframe: '1h' };

function insight(time: number, over: Partial<AlertInsight> = {}): AlertInsight {
  const probabilities = Object.fromEntries(PATTERN_NAMES.map((p) => [p, 0.1])) as Record<
    (typeof PATTERN_NAMES)[number],
    number
  >;
  return {
    symbol: 'ETHUSDT',
    timeframe: '1h',
    time,
    current_price: 100,
    signals: [],
    patterns: { detected: {}, count: 0, strongest: null, rules: {} as never, probabilities },
    price_predictions: {},
    ...over,
  };
}

const band = (lower: number, upper: number) => ({
  '1': {
    prediction: 100,
    return: 0,
    lower,
    upper,
    confidence: 0.5,
    std: 0,
    models: { xgboost: 0, hist_gbdt: 0, random_forest: 0 },
    skill: false,
    abstain_reason: 'no_edge' as const,
  },
});
const buy = { type: 'BUY' as const, source: 'prediction:1', reason: 'up', confidence: 0.6 };

describe('alert conditions', () => {
  const alerts: StreamAlert[] = [
    { id: 1, ...STREAM, condition: { kind: 'signal', type: 'BUY' } },
    { id: 2, ...STREAM, condition: { kind: 'pattern', pattern: 'hammer', minProbability: 0.8 } },
    { id: 3, ...STREAM, condition: { kind: 'interval' } },
    { id: 4, ...STREAM, condition: { kind: 'ood' } },
    { id: 5, ...STREAM, symbol: 'BTCUSDT', condition: { kind: 'signal', type: 'BUY' } },
    { id: 6, ...STREAM, condition: { kind: 'signal', type: 'BUY', minConfidence: 0.7 } },
  ];
  const none = new Map<number, number>();

  it('a signal fires on the candle it appears, once, and not again while it lasts', () => {
    const first = alertsToFire(alerts, { current: insight(2, { signals: [buy] }), previous: insight(1) }, none, STREAM);
    expect(first.map((f) => f.alertId)).toEqual([1]); // not the other stream's (5), not below 0.7 (6)
    expect(first[0]!.message).toContain('BUY signal (prediction:1)');
    const lasting = alertsToFire(
      alerts,
      { current: insight(3, { signals: [buy] }), previous: insight(2, { signals: [buy] }) },
      none,
      STREAM,
    );
    expect(lasting).toEqual([]);
    const sameCandle = alertsToFire(
      alerts,
      { current: insight(2, { signals: [buy] }), previous: insight(1) },
      new Map([[1, 2]]),
      STREAM,
    );
    expect(sameCandle).toEqual([]);
  });

  it('pattern with CNN >= x; never without the CNN', () => {
    const p = insight(5);
    p.patterns.probabilities!.hammer = 0.85;
    expect(alertsToFire(alerts, { current: p, previous: insight(4) }, none, STREAM).map((f) => f.alertId)).toEqual([2]);
    p.patterns.probabilities!.hammer = 0.79;
    expect(alertsToFire(alerts, { current: p, previous: insight(4) }, none, STREAM)).toEqual([]);
    const noCnn = insight(5, { patterns: { ...p.patterns, probabilities: null } });
    expect(alertsToFire(alerts, { current: noCnn, previous: insight(4) }, none, STREAM)).toEqual([]);
  });

  it("price leaving the previous candle's predicted interval fires every candle it happens", () => {
    const prev = insight(6, { price_predictions: band(95, 105) });
    const inside = alertsToFire(alerts, { current: insight(7, { current_price: 104 }), previous: prev }, none, STREAM);
    expect(inside).toEqual([]);
    const above = alertsToFire(alerts, { current: insight(7, { current_price: 106 }), previous: prev }, none, STREAM);
    expect(above.map((f) => [f.alertId, f.message.includes('rose above')])).toEqual([[3, true]]);
    const below = alertsToFire(
      alerts,
      { current: insight(8, { current_price: 90 }), previous: { ...prev, time: 7, current_price: 94 } },
      none,
      STREAM,
    );
    expect(below.map((f) => f.alertId)).toEqual([3]);
    expect(alertsToFire(alerts, { current: insight(7, { current_price: 106 }), previous: null }, none, STREAM)).toEqual(
      [],
    );
  });

  it('out-of-distribution: fires on the flag when the insight reports it, never when it does not', () => {
    const flagged = insight(9, { ood: { score: 3.2, flag: true, reason: 'dissimilar' } });
    expect(
      alertsToFire(alerts, { current: flagged, previous: insight(8) }, none, STREAM).map((f) => f.alertId),
    ).toEqual([4]);
    expect(
      alertsToFire(
        alerts,
        { current: insight(9, { ood: { score: 0.2, flag: false, reason: null } }), previous: insight(8) },
        none,
        STREAM,
      ),
    ).toEqual([]);
  });
});

describe('AlertStore (IndexedDB)', () => {
  it('keeps alerts and the log across connections', async () => {
    const factory = freshIdbFactory();
    const a = new AlertStore(new CandlecastConnection({ idbFactory: factory, name: 'alerts' }));
    const id = await a.add(STREAM, { kind: 'ood' });
    await a.log({ ...STREAM, alertId: id, time: 1, message: 'first', firedAt: 10 });
    await a.log({ ...STREAM, alertId: id, time: 2, message: 'second', firedAt: 11 });
    const b = new AlertStore(new CandlecastConnection({ idbFactory: factory, name: 'alerts' }));
    expect(await b.list()).toEqual([{ id, ...STREAM, condition: { kind: 'ood' } }]);
    expect((await b.recent()).map((e) => e.message)).toEqual(['second', 'first']);
    await b.remove(id);
    expect(await b.list()).toEqual([]);
  });
});
