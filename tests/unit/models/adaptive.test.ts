/**
 * Adaptive calibration (src/core/models/price-adaptive.ts) and the OOD score (price-ood.ts) on synthetic
 * streams whose truth is known: intervals reach 80% coverage when the trained calibration is wrong, a future
 * outcome changes nothing before it is due, and the dissimilarity index separates near from far points.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveCalibration, type Served } from '../../../src/core/models/price-adaptive';
import type { HorizonParams, PriceHorizon } from '../../../src/core/models/price-ensemble-params';
import { OodScorer, volatilityLevel } from '../../../src/core/models/price-ood';

const HS: PriceHorizon[] = ['1', '5', '15', '60'];
const horizonParams = (): Record<PriceHorizon, HorizonParams> => {
  const p: HorizonParams = {
    files: { xgboost: 'x', hist_gbdt: 'h', random_forest: 'r' },
    input_dtypes: { xgboost: 'float32', hist_gbdt: 'float64', random_forest: 'float64' },
    trees: { xgboost: 1, hist_gbdt: 1, random_forest: 1 },
    confidence: { x: [0, 0.5], p: [0.5, 0.6] },
    // the 80% quantiles of a standard normal: right only when vol_h is the true volatility
    interval: { coverage: 0.8, q_lo: -1.2816, q_hi: 1.2816 },
    interval_zero: { coverage: 0.8, q_lo: -1.2816, q_hi: 1.2816 },
  };
  return { '1': p, '5': p, '15': p, '60': p };
};

/** Deterministic normal draws (Box-Muller on a 32-bit LCG). */
function normals(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 4294967297;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/** Runs a stream as the CLI does: serve at row r, close row r, commit; returns what was served per row. */
function run(closes: Float64Array, volPerCandle: number, claimed: boolean): Served[][] {
  const a = new AdaptiveCalibration(horizonParams());
  const out: Served[][] = [];
  for (let r = 0; r < closes.length; r++) {
    const row = HS.map((h) =>
      a.serve(h, { ret: claimed ? 0.0001 : 0, volH: volPerCandle * Math.sqrt(Number(h)), claimed }),
    );
    a.observeClose(closes[r]!);
    HS.forEach((h, k) => a.commit(h, row[k]!, closes[r]!, volPerCandle * Math.sqrt(Number(h)), claimed));
    out.push(row);
  }
  return out;
}

function walk(n: number, sigma: number, seed: number): Float64Array {
  const z = normals(n, seed);
  const c = new Float64Array(n);
  let x = Math.log(100);
  for (let i = 0; i < n; i++) {
    x += sigma * z[i]!;
    c[i] = Math.exp(x);
  }
  return c;
}

function coverage(closes: Float64Array, served: Served[][], k: number, h: number, from: number): number {
  let inside = 0;
  let n = 0;
  for (let r = from; r + h < closes.length; r++) {
    const y = Math.log(closes[r + h]! / closes[r]!);
    if (y >= served[r]![k]!.lo && y <= served[r]![k]!.hi) inside++;
    n++;
  }
  return inside / n;
}

describe('adaptive calibration', () => {
  it('brings 80% intervals to 75-85% coverage when the volatility estimate is 2.5x too small or too large', () => {
    for (const [trueSigma, assumed] of [
      [0.0025, 0.001],
      [0.001, 0.0025],
    ] as const) {
      const closes = walk(12_000, trueSigma, 42);
      const served = run(closes, assumed, false);
      HS.forEach((h, k) => {
        const c = coverage(closes, served, k, Number(h), 2000);
        expect(c, `h=${h} true ${trueSigma} assumed ${assumed}`).toBeGreaterThan(0.75);
        expect(c, `h=${h}`).toBeLessThan(0.85);
      });
      // the trained calibration alone is far off: the first 100 intervals miss the target by > 10 points
      expect(Math.abs(coverage(closes.subarray(0, 101), served, 0, 1, 0) - 0.8)).toBeGreaterThan(0.1);
    }
  });

  it('abstained predictions serve exactly 0 and 0.5, with an interval around the close', () => {
    const served = run(walk(300, 0.001, 1), 0.001, false);
    for (const row of served)
      for (const s of row) {
        expect(s.ret).toBe(0);
        expect(s.confidence).toBe(0.5);
        expect(s.lo).toBeLessThan(0);
        expect(s.hi).toBeGreaterThan(0);
      }
  });

  it('a future outcome changes nothing before it is due', () => {
    const a = walk(3000, 0.002, 7);
    for (const u of [500, 1500, 2999]) {
      const b = Float64Array.from(a);
      for (let i = u; i < b.length; i++) b[i] = b[i]! * 1.5; // a jump at u and everything after
      const sa = run(a, 0.001, true);
      const sb = run(b, 0.001, true);
      // rows <= u are served before close u is observed: identical
      for (let r = 0; r <= u; r++) expect(sb[r]).toEqual(sa[r]);
      // the h=1 prediction made at u - 1 is due at u: it moves the state from row u + 1 on
      if (u + 1 < a.length) expect(sb[u + 1]![0]).not.toEqual(sa[u + 1]![0]);
    }
  });

  it('confidence of claimed predictions follows the realised hit rate', () => {
    // a predictor that is always right 70% of the time but whose curve says 0.5-0.6
    const a = new AdaptiveCalibration(horizonParams());
    const z = normals(20_000, 3);
    let close = 100;
    let last: Served | null = null;
    for (let r = 0; r < 20_000; r++) {
      const up = z[r]! > 0;
      const right = (r * 7919) % 10 < 7;
      const served = a.serve('1', { ret: (up === right ? 1 : -1) * 0.0005, volH: 0.001, claimed: true });
      a.observeClose(close);
      a.commit('1', served, close, 0.001, true);
      close *= Math.exp((up ? 1 : -1) * 0.001 * (0.5 + Math.abs(z[r]!)));
      last = served;
    }
    expect(last!.confidence).toBeGreaterThan(0.65);
    expect(last!.confidence).toBeLessThan(0.75);
  });

  it('the confidence bias steps by gamma / h: overlapping h-candle outcomes move it no more than one per h candles', () => {
    // coin-flip outcomes: the bias should stay near 0; the same stream scored at h = 1 and h = 60
    const a = new AdaptiveCalibration(horizonParams());
    const z = normals(30_000, 5);
    let close = 100;
    const conf: Record<'1' | '60', number[]> = { '1': [], '60': [] };
    for (let r = 0; r < 30_000; r++) {
      const served = {
        '1': a.serve('1', { ret: 0.0005, volH: 0.001, claimed: true }),
        '60': a.serve('60', { ret: 0.0005 * Math.sqrt(60), volH: 0.001 * Math.sqrt(60), claimed: true }),
      };
      a.observeClose(close);
      a.commit('1', served['1'], close, 0.001, true);
      a.commit('60', served['60'], close, 0.001 * Math.sqrt(60), true);
      close *= Math.exp(0.001 * z[r]!);
      if (r > 5000) for (const h of ['1', '60'] as const) conf[h].push(served[h].confidence);
    }
    const sd = (v: number[]) => {
      const m = v.reduce((x, y) => x + y, 0) / v.length;
      return Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / v.length);
    };
    // h = 1: independent outcomes, spread ~ sqrt(gamma / 8) = 0.025; h = 60 shares each outcome 60 times but steps
    // 60 times smaller, so it wanders no more (a full step per candle gave it about 0.1)
    expect(sd(conf['1'])).toBeGreaterThan(0.01);
    expect(sd(conf['1'])).toBeLessThan(0.04);
    expect(sd(conf['60'])).toBeLessThan(0.04);
  });
});

describe('OOD dissimilarity index', () => {
  const names = ['a', 'b', 'c'];
  const sample: number[] = [];
  const z = normals(600, 11);
  for (let i = 0; i < 200; i++) sample.push(z[i]!, z[200 + i]!, z[400 + i]!);
  let pair = 0;
  for (let i = 0; i < 200; i++)
    for (let j = 0; j < 200; j++)
      if (i !== j)
        pair += Math.hypot(
          sample[3 * i]! - sample[3 * j]!,
          sample[3 * i + 1]! - sample[3 * j + 1]!,
          sample[3 * i + 2]! - sample[3 * j + 2]!,
        );
  const scorer = new OodScorer(
    {
      features: ['c', 'a'].concat('b'),
      center: [0, 0, 0],
      scale: [1, 1, 1],
      sample,
      mean_pairwise: pair / (200 * 199),
      threshold: 1.5,
      quantile: 0.995,
      volatility: { min: -10, max: -3 },
    },
    names,
  );

  it('scores a typical point near 1 and a far one far above the threshold', () => {
    expect(scorer.score([0, 0, 0])).toBeLessThan(1);
    expect(scorer.evaluate([0.5, -0.3, 0.2], 0, -7)).toEqual({
      score: scorer.score([0.5, -0.3, 0.2]),
      flag: false,
      reason: null,
    });
    const far = scorer.evaluate([40, 0, 0], 0, -7);
    expect(far.flag).toBe(true);
    expect(far.reason).toBe('dissimilar');
    expect(far.score).toBeGreaterThan(10);
  });

  it('flags a typical point whose market moves faster or slower than the trained range, or whose pace is NaN', () => {
    for (const level of [-2.9, -10.5, NaN]) {
      const r = scorer.evaluate([0.5, -0.3, 0.2], 0, level);
      expect(r.flag, `level ${level}`).toBe(true);
      expect(r.reason).toBe('volatility');
    }
    // the bounds are inside; a timeframe the check cannot place (null) is judged by the score alone
    expect(scorer.evaluate([0.5, -0.3, 0.2], 0, -3).flag).toBe(false);
    expect(scorer.evaluate([0.5, -0.3, 0.2], 0, -10).flag).toBe(false);
    expect(scorer.evaluate([0.5, -0.3, 0.2], 0, null).flag).toBe(false);
  });

  it('measures the pace per minute: the same per-minute volatility gives the same level on every timeframe', () => {
    expect(volatilityLevel(0.001, '1m')).toBeCloseTo(Math.log(0.001), 12);
    expect(volatilityLevel(0.001 * Math.sqrt(60), '1h')).toBeCloseTo(Math.log(0.001), 12);
    expect(volatilityLevel(0.001 * Math.sqrt(1440), '1d')).toBeCloseTo(Math.log(0.001), 12);
    expect(volatilityLevel(0.001, 'unknown')).toBeNull();
  });

  it('treats a missing input as the median and NaN scores as out of distribution', () => {
    expect(scorer.score([NaN, 0, 0])).toBe(scorer.score([0, 0, 0]));
    expect(() => new OodScorer({ ...scorer['params'], features: ['zz'] }, names)).toThrow(/zz/);
  });
});
