import { describe, expect, it } from 'vitest';
import { GarchFitter, GarchVol, garchFilter, garchNll } from '../../../src/core/features/indicators/garch';
import { mulberry32 as rng } from '../../../src/core/util/random';

/** Simulates n returns of a zero-mean Gaussian GARCH(1,1) (Box-Muller normals, burn-in 500). */
function simulate(n: number, omega: number, alpha: number, beta: number, seed: number): Float64Array {
  const u = rng(seed);
  const out = new Float64Array(n);
  let s2 = omega / (1 - alpha - beta);
  for (let i = -500; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    const r = Math.sqrt(s2) * z;
    if (i >= 0) out[i] = r;
    s2 = omega + alpha * r * r + beta * s2;
  }
  return out;
}

describe('GARCH(1,1) maximum likelihood', () => {
  const cases = [
    { omega: 2e-6, alpha: 0.1, beta: 0.85, seed: 1 },
    { omega: 1e-7, alpha: 0.05, beta: 0.93, seed: 2 },
    { omega: 5e-5, alpha: 0.2, beta: 0.6, seed: 3 },
  ];
  for (const c of cases) {
    it(`recovers omega=${c.omega} alpha=${c.alpha} beta=${c.beta} from 20,000 simulated returns`, () => {
      const r = simulate(20_000, c.omega, c.alpha, c.beta, c.seed);
      const fit = new GarchFitter().fit(r, undefined, 300, 1e-8)!;
      expect(fit).not.toBeNull();
      expect(fit.converged).toBe(true);
      expect(Math.abs(fit.alpha - c.alpha)).toBeLessThan(0.03);
      expect(Math.abs(fit.beta - c.beta)).toBeLessThan(0.05);
      const uncond = c.omega / (1 - c.alpha - c.beta);
      const fitted = fit.omega / (1 - fit.alpha - fit.beta);
      expect(Math.abs(fitted / uncond - 1)).toBeLessThan(0.15);
      // it is a maximum: no better than the fit at the true parameters or at nearby points
      const at = garchNll(r, fit);
      expect(at).toBeLessThanOrEqual(garchNll(r, c) + 1e-9);
      for (const [da, db] of [
        [0.01, 0],
        [-0.01, 0],
        [0, 0.01],
        [0, -0.01],
      ] as const) {
        expect(at).toBeLessThanOrEqual(
          garchNll(r, { omega: fit.omega, alpha: fit.alpha + da, beta: fit.beta + db }) + 1e-12,
        );
      }
    });
  }

  it('returns null for an all-zero sample instead of non-finite parameters', () => {
    expect(new GarchFitter().fit(new Float64Array(100))).toBeNull();
  });

  it('streaming: first fit after `window` closed returns, refits on schedule, variance recursion every candle', () => {
    const r = simulate(3500, 2e-6, 0.1, 0.85, 9);
    const g = new GarchVol(1000, 1000);
    const vols: number[] = [];
    for (let t = 0; t < r.length + 1; t++) {
      g.update(t === 0 ? NaN : r[t - 1]!, false);
      vols.push(g.value);
    }
    // candle t carries return r[t-1]; 1000 closed returns exist at candle 1001
    expect(Number.isNaN(vols[1000]!)).toBe(true);
    expect(Number.isFinite(vols[1001]!)).toBe(true);
    expect(g.fits).toBe(3); // at candles 1001, 2001, 3001
    // the last value equals the recursion run from the latest fit's filter by hand
    const p = g.current!;
    const window = r.slice(3000 - 1000, 3000); // closed returns before candle 3001
    let s2 = garchFilter(window, p);
    for (let t = 3001; t <= r.length; t++) {
      const x = r[t - 1]!;
      const next = p.omega + p.alpha * x * x + p.beta * s2;
      if (t === r.length) expect(vols[t]).toBeCloseTo(Math.sqrt(next), 15);
      s2 = next;
    }
  });

  it('replace-updates of the open candle do not change fits or the variance state', () => {
    const r = simulate(2100, 2e-6, 0.1, 0.85, 4);
    const a = new GarchVol(1000, 1000);
    const b = new GarchVol(1000, 1000);
    for (let t = 0; t <= r.length; t++) {
      const x = t === 0 ? NaN : r[t - 1]!;
      a.update(x, false);
      b.update(t === 0 ? NaN : x * 3, false);
      b.update(t === 0 ? NaN : -x / 2, true);
      b.update(x, true);
      expect(Object.is(a.value, b.value)).toBe(true);
      expect(Object.is(a.stdResid, b.stdResid)).toBe(true);
    }
  });
});
