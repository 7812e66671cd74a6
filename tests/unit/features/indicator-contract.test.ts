import { describe, expect, it } from 'vitest';
import { Atr } from '../../../src/core/features/indicators/atr';
import { Cci } from '../../../src/core/features/indicators/cci';
import { Dmi } from '../../../src/core/features/indicators/dmi';
import { Ema } from '../../../src/core/features/indicators/ema';
import { GarchVol } from '../../../src/core/features/indicators/garch';
import { History } from '../../../src/core/features/indicators/history';
import { Indicator } from '../../../src/core/features/indicators/indicator';
import { Macd } from '../../../src/core/features/indicators/macd';
import { Mfi } from '../../../src/core/features/indicators/mfi';
import { RollingExtreme } from '../../../src/core/features/indicators/rolling-extreme';
import { RollingMoments } from '../../../src/core/features/indicators/rolling-moments';
import { RollingRank } from '../../../src/core/features/indicators/rolling-rank';
import { RollingSum } from '../../../src/core/features/indicators/rolling-sum';
import { Rsi } from '../../../src/core/features/indicators/rsi';
import { RunningWindowSum, Sma } from '../../../src/core/features/indicators/sma';
import { Stoch } from '../../../src/core/features/indicators/stoch';
import { TaVariance } from '../../../src/core/features/indicators/ta-variance';
import { UltOsc } from '../../../src/core/features/indicators/ultosc';
import { VolumeFlow } from '../../../src/core/features/indicators/volume-flow';

interface Bar {
  h: number;
  l: number;
  c: number;
  v: number;
}

/** A deterministic random walk with flat, zero-volume and repeated candles mixed in. */
function bars(n: number, seed: number): Bar[] {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: Bar[] = [];
  let c = 100;
  for (let i = 0; i < n; i++) {
    if (i % 37 === 5) {
      out.push({ h: c, l: c, c, v: 0 }); // flat, no trades
      continue;
    }
    c *= Math.exp((rnd() - 0.5) * 0.02);
    out.push({ h: c * (1 + rnd() * 0.01), l: c * (1 - rnd() * 0.01), c, v: i % 11 === 3 ? 0 : rnd() * 100 });
  }
  return out;
}

type Feed = (b: Bar, prev: Bar | undefined, replace: boolean) => number;
interface Case {
  make: () => Indicator;
  feed: (ind: Indicator) => Feed;
  /** Every output the indicator exposes (value first). */
  outputs: (ind: Indicator) => number[];
}

const single = (make: () => Indicator, input: (b: Bar, p: Bar | undefined) => number): Case => ({
  make,
  feed: (ind) => (b, p, r) => (ind as unknown as { update(x: number, r: boolean): number }).update(input(b, p), r),
  outputs: (ind) => [ind.value],
});
const close = (b: Bar): number => b.c;
const tr = (b: Bar, p: Bar | undefined): number => (p ? Math.max(b.h, p.c) - Math.min(b.l, p.c) : b.h - b.l);

const CASES: Record<string, Case> = {
  Atr: single(() => new Atr(14), tr),
  Ema: single(() => new Ema(10), close),
  'Ema (skip)': single(() => new Ema(12, 14), close),
  Sma: single(() => new Sma(20), close),
  RunningWindowSum: single(() => new RunningWindowSum(7), close),
  Rsi: single(() => new Rsi(14), close),
  RollingSum: single(
    () => new RollingSum(10),
    (b) => (b.v === 0 ? 0 : b.c - 100),
  ),
  'RollingExtreme max': single(
    () => new RollingExtreme(14, 'max'),
    (b) => b.h,
  ),
  'RollingExtreme min': single(
    () => new RollingExtreme(14, 'min'),
    (b) => b.l,
  ),
  RollingRank: single(() => new RollingRank(50, 10), close),
  History: single(() => new History(11), close),
  GarchVol: single(
    () => new GarchVol(50, 20),
    (b, p) => (p ? Math.log(b.c / p.c) : NaN),
  ),
  TaVariance: {
    ...single(() => new TaVariance(20), close),
    outputs: (ind) => [ind.value, (ind as TaVariance).mean, (ind as TaVariance).std],
  },
  RollingMoments: {
    ...single(
      () => new RollingMoments(20, 4),
      (b, p) => (p ? Math.log(b.c / p.c) : 0),
    ),
    outputs: (ind) => {
      const m = ind as RollingMoments;
      return [m.value, m.variance, m.std, m.skew, m.kurt];
    },
  },
  Macd: {
    ...single(() => new Macd(12, 26, 9), close),
    outputs: (ind) => [ind.value, (ind as Macd).signal, (ind as Macd).hist],
  },
  Cci: {
    make: () => new Cci(20),
    feed: (ind) => (b, _p, r) => (ind as Cci).update(b.h, b.l, b.c, r),
    outputs: (i) => [i.value],
  },
  Stoch: {
    make: () => new Stoch(14, 3, 3),
    feed: (ind) => (b, _p, r) => (ind as Stoch).update(b.h, b.l, b.c, r),
    outputs: (ind) => [ind.value, (ind as Stoch).d],
  },
  Dmi: {
    make: () => new Dmi(14),
    feed: (ind) => (b, _p, r) => (ind as Dmi).update(b.h, b.l, b.c, r),
    outputs: (ind) => [ind.value, (ind as Dmi).plusDi, (ind as Dmi).minusDi],
  },
  Mfi: {
    make: () => new Mfi(14),
    feed: (ind) => (b, _p, r) => (ind as Mfi).update(b.h, b.l, b.c, b.v, r),
    outputs: (ind) => [ind.value],
  },
  VolumeFlow: {
    make: () => new VolumeFlow(3, 10),
    feed: (ind) => (b, _p, r) => (ind as VolumeFlow).update(b.h, b.l, b.c, b.v, r),
    outputs: (ind) => [ind.value, (ind as VolumeFlow).ad, (ind as VolumeFlow).adosc],
  },
  UltOsc: {
    make: () => new UltOsc(7, 14, 28),
    feed: (ind) => (b, p, r) => (ind as UltOsc).update(p ? b.c - Math.min(b.l, p.c) : 0, tr(b, p), r),
    outputs: (ind) => [ind.value],
  },
};

const N = 400;
const SERIES = bars(N, 7);
/** A provisional version of bar i (what an exchange streams before the candle closes). */
const provisional = (b: Bar, k: number): Bar => ({ h: b.h * (1 + 0.003 * k), l: b.l, c: (b.c + b.l) / 2, v: b.v * k });

describe('indicator contract: update(x, replace) returns `value`; replace-updates rewrite the open candle exactly', () => {
  for (const [name, k] of Object.entries(CASES)) {
    it(name, () => {
      const plain = k.make();
      expect(plain).toBeInstanceOf(Indicator);
      const feedPlain = k.feed(plain);
      const want: number[][] = [];
      for (let i = 0; i < N; i++) {
        const returned = feedPlain(SERIES[i]!, SERIES[i - 1], false);
        expect(
          Object.is(returned, plain.value),
          `${name} at ${i}: update() returned ${returned}, value is ${plain.value}`,
        ).toBe(true);
        want.push(k.outputs(plain));
      }
      expect(
        want.some((o) => Number.isFinite(o[0])),
        `${name} never produced a value`,
      ).toBe(true);

      const replaced = k.make();
      const feed = k.feed(replaced);
      const got: number[][] = [];
      for (let i = 0; i < N; i++) {
        const b = SERIES[i]!;
        const p = SERIES[i - 1];
        feed(provisional(b, 1), p, false);
        feed(provisional(b, 2), p, true);
        const returned = feed(b, p, true);
        expect(Object.is(returned, replaced.value)).toBe(true);
        got.push(k.outputs(replaced));
      }
      // bit for bit (Object.is tells NaN apart from numbers and -0 from 0)
      const firstDiff = got.findIndex((o, i) => o.some((x, j) => !Object.is(x, want[i]![j])));
      expect(firstDiff, `${name}: first candle that differs after replace-updates`).toBe(-1);
    });
  }
});
