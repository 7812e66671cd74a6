import { describe, expect, it } from 'vitest';
import { toColumns } from '../../../src/core/candles/candle';
import { computeFeatures } from '../../../src/core/features';
import { FEATURES, featureIndex } from '../../../src/core/features/registry';
import { hasCandleData, loadCandles } from '../../helpers/data';

/**
 * Features without a TA-Lib function, checked against naive textbook computations (full window scans,
 * two-pass moments) straight from their registry definitions.
 */
type Ref = (i: number) => number;

describe.skipIf(!hasCandleData)('non-TA-Lib features against naive reference computations', () => {
  const candles = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv', 12_000);
  // include the flat zero-volume halt candles
  const all = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv');
  const halt = all.findIndex((c) => c.volume === 0 && c.high === c.low);
  const data = [...candles, ...all.slice(halt - 3000, halt + 300)].map((c, i) => ({ ...c, time: i * 60_000 }));
  const cols = toColumns(data);
  const { open: O, high: H, low: L, close: C, volume: V } = cols;
  const out = computeFeatures(cols);
  const n = C.length;
  const r = (i: number): number => Math.log(C[i]! / C[i - 1]!);
  const win = (i: number, k: number, f: (j: number) => number): number[] =>
    Array.from({ length: k }, (_, m) => f(i - k + 1 + m));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const central = (xs: number[], p: number): number => {
    const m = mean(xs);
    return mean(xs.map((x) => (x - m) ** p));
  };
  const range = (i: number): number => H[i]! - L[i]!;
  const clv = (i: number): number => (range(i) === 0 ? 0 : (C[i]! - L[i]! - (H[i]! - C[i]!)) / range(i));

  const refs: Record<string, { ref: Ref; tol: number }> = {
    log_ret_lag_5: { ref: (i) => r(i - 5), tol: 1e-15 },
    log_ret_10: { ref: (i) => Math.log(C[i]! / C[i - 10]!), tol: 1e-12 },
    ret_mean_20: { ref: (i) => mean(win(i, 20, r)), tol: 1e-9 },
    ret_std_50: { ref: (i) => Math.sqrt(central(win(i, 50, r), 2)), tol: 1e-7 },
    ret_skew_20: {
      ref: (i) => {
        const xs = win(i, 20, r);
        const v = central(xs, 2);
        return v <= 1e-20 ? 0 : central(xs, 3) / v ** 1.5;
      },
      tol: 1e-5,
    },
    ret_kurt_50: {
      ref: (i) => {
        const xs = win(i, 50, r);
        const v = central(xs, 2);
        return v <= 1e-20 ? 0 : central(xs, 4) / v ** 2 - 3;
      },
      tol: 1e-5,
    },
    donchian_pos_20: {
      ref: (i) => {
        const hh = Math.max(...win(i, 20, (j) => H[j]!));
        const ll = Math.min(...win(i, 20, (j) => L[j]!));
        return hh === ll ? 0.5 : (C[i]! - ll) / (hh - ll);
      },
      tol: 1e-12,
    },
    dist_low_50: { ref: (i) => C[i]! / Math.min(...win(i, 50, (j) => L[j]!)) - 1, tol: 1e-12 },
    volume_z_20: {
      ref: (i) => {
        const xs = win(i, 20, (j) => V[j]!);
        const sd = Math.sqrt(central(xs, 2));
        return sd < 1e-6 * mean(xs) || sd === 0 ? 0 : (V[i]! - mean(xs)) / sd;
      },
      tol: 1e-6,
    },
    vol_imbalance_20: {
      ref: (i) => {
        const vs = win(i, 20, (j) => V[j]!).reduce((a, b) => a + b, 0);
        return vs === 0 ? 0 : win(i, 20, (j) => clv(j) * V[j]!).reduce((a, b) => a + b, 0) / vs;
      },
      tol: 1e-9,
    },
    signed_volume_20: {
      ref: (i) => {
        const vs = win(i, 20, (j) => V[j]!).reduce((a, b) => a + b, 0);
        return vs === 0 ? 0 : win(i, 20, (j) => Math.sign(C[j]! - C[j - 1]!) * V[j]!).reduce((a, b) => a + b, 0) / vs;
      },
      tol: 1e-9,
    },
    efficiency_ratio_10: {
      ref: (i) => {
        const path = win(i, 10, (j) => Math.abs(C[j]! - C[j - 1]!)).reduce((a, b) => a + b, 0);
        return path === 0 ? 0 : Math.abs(C[i]! - C[i - 10]!) / path;
      },
      tol: 1e-9,
    },
    parkinson_vol_20: {
      ref: (i) => Math.sqrt(mean(win(i, 20, (j) => Math.log(H[j]! / L[j]!) ** 2)) / (4 * Math.LN2)),
      tol: 1e-9,
    },
    cs_spread_20: {
      ref: (i) =>
        mean(
          win(i, 20, (j) => {
            const b = Math.log(H[j]! / L[j]!) ** 2 + Math.log(H[j - 1]! / L[j - 1]!) ** 2;
            const g = Math.log(Math.max(H[j]!, H[j - 1]!) / Math.min(L[j]!, L[j - 1]!)) ** 2;
            const k = 3 - 2 * Math.SQRT2;
            const a = (Math.sqrt(2 * b) - Math.sqrt(b)) / k - Math.sqrt(g / k);
            return Math.max(0, (2 * (Math.exp(a) - 1)) / (1 + Math.exp(a)));
          }),
        ),
      tol: 1e-9,
    },
    roll_spread_20: {
      ref: (i) => {
        const x = win(i, 20, r);
        const y = win(i - 1, 20, r);
        const cov = mean(x.map((v, m) => v * y[m]!)) - mean(x) * mean(y);
        return cov < 0 ? 2 * Math.sqrt(-cov) : 0;
      },
      tol: 1e-6,
    },
    amihud_20: {
      ref: (i) => {
        const xs = win(i, 20, (j) => j).filter((j) => V[j]! > 0);
        return xs.length === 0 ? 0 : mean(xs.map((j) => (Math.abs(C[j]! / C[j - 1]! - 1) / (C[j]! * V[j]!)) * 1e6));
      },
      tol: 1e-9,
    },
    vol_rank_500: {
      ref: (i) => {
        const std20 = (j: number): number => Math.sqrt(central(win(j, 20, r), 2));
        const first = Math.max(20, i - 499);
        const xs = win(i, i - first + 1, std20);
        const x = xs[xs.length - 1]!;
        const less = xs.filter((v) => v < x - 1e-12 * x).length;
        const eq = xs.filter((v) => Math.abs(v - x) <= 1e-12 * x).length;
        return (less + eq / 2) / xs.length;
      },
      tol: 0.0025, // rolling-sum vs two-pass std may order near-ties differently: at most one rank step
    },
    up_streak: {
      ref: (i) => {
        let k = 0;
        while (i - k >= 1 && C[i - k]! > C[i - k - 1]!) k++;
        return k;
      },
      tol: 0,
    },
    body_ratio_abs_mean_10: {
      ref: (i) => mean(win(i, 10, (j) => (range(j) === 0 ? 0 : Math.abs((C[j]! - O[j]!) / range(j))))),
      tol: 1e-12,
    },
    buy_pressure_14: {
      ref: (i) => {
        const bp = win(i, 14, (j) => C[j]! - Math.min(L[j]!, C[j - 1]!)).reduce((a, b) => a + b, 0);
        const tr = win(i, 14, (j) => Math.max(H[j]!, C[j - 1]!) - Math.min(L[j]!, C[j - 1]!)).reduce(
          (a, b) => a + b,
          0,
        );
        return tr === 0 ? 0.5 : bp / tr;
      },
      tol: 1e-9,
    },
  };

  for (const [name, { ref, tol }] of Object.entries(refs)) {
    it(`${name} matches its definition`, () => {
      const f = featureIndex(name);
      const col = out[f]!;
      const w = FEATURES[f]!.warmup;
      const step = name === 'vol_rank_500' ? 31 : 1; // the naive rank is O(500 * 20) per row
      let worst = 0;
      let at = -1;
      for (let i = w; i < n; i += step) {
        const a = col[i]!;
        const b = ref(i);
        const e = Math.abs(a - b) / Math.max(1, Math.abs(b));
        if (!(e <= worst)) {
          worst = e;
          at = i;
        }
      }
      expect(worst, `${name} worst at row ${at}: ${col[at]} vs ${ref(at)}`).toBeLessThanOrEqual(tol);
    });
  }
});

describe('RollingRank', () => {
  it('equals a naive mid-rank over the trailing window, with replace-updates and ties', async () => {
    const { RollingRank } = await import('../../../src/core/features/indicators/rolling-rank');
    let a = 7;
    const rand = (): number => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
    const w = 50;
    const k = new RollingRank(w, 10);
    const xs: number[] = [];
    for (let t = 0; t < 3000; t++) {
      const pick = (): number => Math.round(rand() * 40) / 4; // many ties
      let x = pick();
      k.update(x, false);
      for (let r = 0; r < 2; r++) {
        x = pick();
        k.update(x, true);
      }
      xs.push(x);
      const win = xs.slice(Math.max(0, xs.length - w));
      const expected =
        win.length < 10 ? NaN : (win.filter((v) => v < x).length + win.filter((v) => v === x).length / 2) / win.length;
      expect(k.value).toBe(expected);
    }
  });
});
