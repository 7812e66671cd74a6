import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { toColumns } from '../../../src/core/candles/candle';
import { computeFeatures, FeatureEngine } from '../../../src/core/features';
import {
  FEATURES,
  FEATURE_NAMES,
  MODEL_FEATURE_NAMES,
  featureIndex,
  featureSchemaHash,
} from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';

const REQUIRED = [
  'sma_20',
  'ema_50',
  'rsi_14',
  'macd_12_26_9',
  'macd_signal_12_26_9',
  'macd_hist_12_26_9',
  'atr_14',
  'adx_14',
  'plus_di_14',
  'minus_di_14',
  'stoch_k_14_3',
  'stoch_d_14_3_3',
  'cci_20',
  'roc_10',
  'willr_14',
  'mfi_14',
  'obv',
  'bb_upper_20_2',
  'bb_middle_20_2',
  'bb_lower_20_2',
  ...[5, 10, 20, 50, 100, 200].flatMap((n) => [`sma_${n}`, `ema_${n}`]),
];

describe('feature registry', () => {
  it('has at least 100 uniquely named snake_case features in all three groups', () => {
    expect(FEATURES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    for (const f of FEATURES) {
      expect(f.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(f.description.length).toBeGreaterThan(5);
      expect(Number.isInteger(f.warmup) && f.warmup >= 0).toBe(true);
    }
    for (const g of ['technical', 'pattern', 'market'] as const)
      expect(FEATURES.filter((f) => f.group === g).length).toBeGreaterThanOrEqual(10);
  });

  it('contains the names SPEC §3 requires, exactly', () => {
    for (const n of REQUIRED) expect(FEATURE_NAMES, n).toContain(n);
  });

  it('model features are the scale-free subset: no raw prices or volumes', () => {
    expect(MODEL_FEATURE_NAMES).toEqual(FEATURES.filter((f) => f.model).map((f) => f.name));
    for (const raw of [
      'sma_20',
      'ema_50',
      'atr_14',
      'obv',
      'bb_upper_20_2',
      'macd_12_26_9',
      'volume_sma_20',
      'range',
      'ad',
      'mom_10',
    ]) {
      expect(MODEL_FEATURE_NAMES).not.toContain(raw);
    }
    expect(MODEL_FEATURE_NAMES).toContain('rsi_14');
  });

  it('schema hash is a stable 8-hex FNV-1a of the model schema', () => {
    expect(featureSchemaHash()).toMatch(/^[0-9a-f]{8}$/);
    expect(featureSchemaHash()).toBe(featureSchemaHash());
  });

  it('model features are scale-free: multiplying prices by 1000 and volumes by 7 changes none of them', () => {
    const base: Candle[] = [];
    let p = 100;
    for (let i = 0; i < 1300; i++) {
      const o = p;
      p *= Math.exp(0.01 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.31));
      base.push({
        time: i * 60_000,
        open: o,
        high: Math.max(o, p) * 1.002,
        low: Math.min(o, p) * 0.997,
        close: p,
        volume: 10 + 5 * Math.sin(i) ** 2,
      });
    }
    const scaled = base.map((c) => ({
      ...c,
      open: c.open * 1000,
      high: c.high * 1000,
      low: c.low * 1000,
      close: c.close * 1000,
      volume: c.volume * 7,
    }));
    const a = new FeatureEngine();
    const b = new FeatureEngine();
    const ia = new Float64Array(MODEL_FEATURE_NAMES.length);
    const ib = new Float64Array(MODEL_FEATURE_NAMES.length);
    for (let i = 0; i < base.length; i++) {
      a.update(base[i]!);
      b.update(scaled[i]!);
      a.modelInputs(ia);
      b.modelInputs(ib);
      for (let j = 0; j < ia.length; j++) {
        const x = ia[j]!;
        const y = ib[j]!;
        if (Number.isNaN(x) !== Number.isNaN(y)) expect.fail(`${MODEL_FEATURE_NAMES[j]} row ${i}: ${x} vs ${y}`);
        if (x === x && Math.abs(x - y) > 1e-6 * Math.max(1, Math.abs(x)))
          expect.fail(`${MODEL_FEATURE_NAMES[j]} row ${i}: ${x} vs ${y}`);
      }
    }
  });
});

describe('empty values and degenerate candles', () => {
  it('flat zero-volume candles, zero ranges and huge gaps give finite values or NaN, never Infinity', () => {
    const candles: Candle[] = [];
    let p = 50;
    for (let i = 0; i < 2600; i++) {
      const flat = i < 150 || (i >= 1200 && i < 1500);
      const o = p;
      if (!flat) p *= 1 + 0.003 * Math.sin(i * 0.7);
      const jump = i === 2000 ? 3 : 1; // a gap: price triples between candles
      p *= jump;
      candles.push(
        flat
          ? { time: i * 60_000, open: p, high: p, low: p, close: p, volume: 0 }
          : {
              time: i * 60_000,
              open: o * jump,
              high: Math.max(o * jump, p) * 1.001,
              low: Math.min(o * jump, p) * 0.999,
              close: p,
              volume: i % 7 === 0 ? 0 : 3,
            },
      );
    }
    const cols = computeFeatures(toColumns(candles));
    for (let f = 0; f < FEATURES.length; f++) {
      const spec = FEATURES[f]!;
      for (let i = 0; i < candles.length; i++) {
        const v = cols[f]![i]!;
        if (v === Infinity || v === -Infinity) expect.fail(`${spec.name} row ${i} is ${v}`);
        if (i >= spec.warmup && !Number.isFinite(v))
          expect.fail(`${spec.name} row ${i} is empty after warm-up ${spec.warmup}`);
        if (i < spec.warmup && !Number.isNaN(v)) expect.fail(`${spec.name} row ${i} has a value during warm-up`);
      }
    }
    // documented neutral values on a flat zero-volume candle
    const at = 100;
    expect(cols[featureIndex('close_pos')]![at]).toBe(0.5);
    expect(cols[featureIndex('body_ratio')]![at]).toBe(0);
    expect(cols[featureIndex('volume_ratio_20')]![at]).toBe(1);
    expect(cols[featureIndex('zero_volume_frac_20')]![at]).toBe(1);
    expect(cols[featureIndex('flat_frac_20')]![at]).toBe(1);
    expect(cols[featureIndex('rsi_14')]![at]).toBe(0); // TA-Lib: 0 when gains + losses are 0
  });

  it.skipIf(!hasCandleData)(
    'on real candles every feature is empty exactly during its warm-up and finite after',
    () => {
      for (const file of ['binance_BTCUSDT_1m_2023-03_2023-05.csv', 'binance_ETHUSDT_1d_2017-08_2021-06.csv']) {
        const cols = computeFeatures(toColumns(loadCandles(file, 20_000)));
        for (let f = 0; f < FEATURES.length; f++) {
          const spec = FEATURES[f]!;
          const col = cols[f]!;
          for (let i = 0; i < col.length; i++) {
            const v = col[i]!;
            if (i < spec.warmup ? !Number.isNaN(v) : !Number.isFinite(v))
              expect.fail(`${file} ${spec.name} row ${i}: ${v} (warm-up ${spec.warmup})`);
          }
        }
        const regime = cols[featureIndex('vol_regime')]!;
        const seen = new Set<number>();
        for (const v of regime) if (v === v) seen.add(v);
        expect([...seen].sort()).toEqual([-1, 0, 1]);
      }
    },
  );

  it('stateBytes reports the per-symbol state and stays under 256 KB', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 3000; i++)
      e.update({ time: i, open: 10, high: 10.5 + (i % 3), low: 9.5, close: 10 + (i % 5) / 10, volume: 1 + (i % 4) });
    expect(e.stateBytes()).toBeGreaterThan(20_000); // garch window + rank window alone hold 3 x 8 KB+
    expect(e.stateBytes()).toBeLessThan(256 * 1024);
  });
});

describe('bad input', () => {
  it('rejects non-finite or non-positive candles without corrupting the state', () => {
    const good = { time: 0, open: 10, high: 11, low: 9, close: 10.5, volume: 3 };
    const a = new FeatureEngine();
    const b = new FeatureEngine();
    for (let i = 0; i < 40; i++) {
      const c = { ...good, time: i * 60_000, close: 10 + Math.sin(i) };
      a.update(c);
      b.update(c);
      if (i === 20) {
        expect(() => b.update({ ...c, close: Number.NaN }, true)).toThrow(RangeError);
        expect(() => b.update({ ...c, time: c.time + 1, volume: Infinity })).toThrow(RangeError);
        expect(() => b.update({ ...c, time: c.time + 1, low: 0 })).toThrow(RangeError);
      }
    }
    expect(b.length).toBe(a.length);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });
});
