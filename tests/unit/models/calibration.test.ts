import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  closeInterval,
  directionConfidence,
  interpolateConfidence,
  spread,
  volatilityScale,
} from '../../../src/core/models/price-calibration';
import { parsePriceEnsembleParams, PriceEnsembleLoadError } from '../../../src/core/models/price-ensemble-params';
import { horizonTargets, parseCandleFileName } from '../../../training/ensemble/targets';
import { ENSEMBLE_DIR, PYTHON, pythonProblem } from '../../../training/ensemble/python';

const pyProblem = pythonProblem();
if (pyProblem && !process.env['CI']) console.warn(`SKIPPING Python calibration references: ${pyProblem}`);

/** Runs a Python snippet with training/ensemble on the path; returns its JSON stdout. */
function python<T>(code: string, input: unknown): T {
  const r = spawnSync(
    PYTHON,
    ['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(ENSEMBLE_DIR)})\n${code}`],
    {
      input: JSON.stringify(input),
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

const curve = { x: [0.01, 0.1, 0.3, 0.6], p: [0.49, 0.52, 0.55, 0.61] };

describe('price calibration math', () => {
  it('interpolates the confidence curve linearly and clamps at both ends', () => {
    expect(interpolateConfidence(0, curve)).toBe(0.49);
    expect(interpolateConfidence(5, curve)).toBe(0.61);
    expect(interpolateConfidence(0.1, curve)).toBeCloseTo(0.52, 15);
    expect(interpolateConfidence(0.2, curve)).toBeCloseTo(0.535, 15);
    expect(interpolateConfidence(0.45, curve)).toBeCloseTo(0.58, 15);
    expect(Number.isNaN(interpolateConfidence(NaN, curve))).toBe(true);
    // direction does not matter, only |ret| / vol_h
    expect(directionConfidence(-0.002, 0.01, curve)).toBe(directionConfidence(0.002, 0.01, curve));
    expect(directionConfidence(0.002, 0.01, curve)).toBeCloseTo(0.535, 15);
  });

  it('builds the interval around the predicted close from the standardized quantiles', () => {
    const { lower, upper } = closeInterval(100, 0.01, 0.02, { coverage: 0.8, q_lo: -1.3, q_hi: 1.2 });
    expect(lower).toBeCloseTo(100 * Math.exp(0.01 - 0.026), 12);
    expect(upper).toBeCloseTo(100 * Math.exp(0.01 + 0.024), 12);
  });

  it('uses the GARCH vol, falls back during its warm-up, and floors the scale', () => {
    expect(volatilityScale(0.004, 0.003, 1e-5)).toBe(0.004);
    expect(volatilityScale(NaN, 0.003, 1e-5)).toBe(0.003);
    expect(volatilityScale(0, 0.003, 1e-5)).toBe(0.003);
    expect(volatilityScale(NaN, 0, 1e-5)).toBe(1e-5);
    expect(Number.isNaN(volatilityScale(NaN, NaN, 1e-5))).toBe(true);
  });

  it('computes the population spread of member closes', () => {
    expect(spread([1, 2, 3])).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(spread([5, 5, 5])).toBe(0);
  });

  it('computes targets as log returns over h contiguous candles, NaN across gaps and at the end', () => {
    const time = Float64Array.from([0, 60, 120, 240, 300]); // 180 missing
    const close = Float64Array.from([100, 101, 102, 104, 105]);
    const y = horizonTargets(time, close, 60, [1, 2]);
    expect(y[0]).toBeCloseTo(Math.log(101 / 100), 15);
    expect(y[1]).toBeCloseTo(Math.log(102 / 100), 15);
    expect(y[2]).toBeCloseTo(Math.log(102 / 101), 15);
    expect(Number.isNaN(y[3]!)).toBe(true); // 101 -> 104 spans 3 slots, not 2
    expect(Number.isNaN(y[4]!)).toBe(true); // 102 -> 104 crosses the gap
    expect(y[6]).toBeCloseTo(Math.log(105 / 104), 15);
    expect(Number.isNaN(y[8]!)).toBe(true);
    expect(parseCandleFileName('binance_BTCUSDT_15m_2023-04_2024-04.csv')).toEqual({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '15m',
    });
  });

  it('rejects malformed price-ensemble.json with one clear line', () => {
    expect(() => parsePriceEnsembleParams({ schema: 1 })).toThrow(PriceEnsembleLoadError);
    expect(() => parsePriceEnsembleParams({ schema: 1 })).toThrow(
      'price-ensemble.json: unsupported schema 1 (expected 2; retrain with npm run train:ensemble)',
    );
    expect(() => parsePriceEnsembleParams(null)).toThrow('price-ensemble.json: not a JSON object');
  });
});

describe.skipIf(pyProblem !== null && !process.env['CI'])(
  'calibration: TypeScript matches training/ensemble/calibration.py',
  () => {
    it('applies the fitted confidence curve like numpy.interp and fits a non-decreasing curve', () => {
      // deterministic pseudo-random strengths and hits with a rising hit rate
      let s = 12345;
      const rand = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const strength = Array.from({ length: 4000 }, () => rand() * 0.8);
      const hit = strength.map((x) => (rand() < 0.48 + 0.2 * x ? 1 : 0));
      const probe = Array.from({ length: 50 }, (_, i) => i * 0.02 - 0.05);
      const out = python<{ curve: { x: number[]; p: number[] }; applied: number[]; ece: number }>(
        `import numpy as np
from calibration import fit_confidence, apply_confidence, calibration_error
d = json.load(sys.stdin)
c = fit_confidence(np.array(d['s']), np.array(d['h']).astype(bool))
conf = apply_confidence(np.array(d['s']), c)
print(json.dumps({'curve': c, 'applied': apply_confidence(np.array(d['probe']), c).tolist(),
                  'ece': calibration_error(conf, np.array(d['h']).astype(bool))}))`,
        { s: strength, h: hit, probe },
      );
      const { x, p } = out.curve;
      for (let i = 1; i < x.length; i++) {
        expect(x[i]!).toBeGreaterThan(x[i - 1]!);
        expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
      }
      expect(p[0]!).toBeLessThan(p[p.length - 1]!);
      probe.forEach((v, i) => expect(interpolateConfidence(v, out.curve)).toBeCloseTo(out.applied[i]!, 14));
      // a curve fitted in-sample is close to calibrated
      expect(out.ece).toBeLessThan(0.03);
    });

    it('conformal quantiles cover the requested share of standardized residuals', () => {
      let s = 99;
      const rand = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const z = Array.from({ length: 5000 }, () => Math.tan(Math.PI * (rand() - 0.5)) * 0.3 + (rand() - 0.5));
      const q = python<{ q_lo: number; q_hi: number }>(
        `import numpy as np
from calibration import fit_interval
print(json.dumps(fit_interval(np.array(json.load(sys.stdin)))))`,
        z,
      );
      const covered = z.filter((v) => v >= q.q_lo && v <= q.q_hi).length / z.length;
      expect(covered).toBeGreaterThanOrEqual(0.8);
      expect(covered).toBeLessThan(0.802);
    });
  },
);
