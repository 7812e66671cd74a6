import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/core/candles/candle';
import { toColumns } from '../../../src/core/candles/candle';
import { Atr, atrBatch } from '../../../src/core/features/indicators/atr';
import { Cci, cciBatch } from '../../../src/core/features/indicators/cci';
import { Dmi, dmiBatch } from '../../../src/core/features/indicators/dmi';
import { Ema, emaBatch } from '../../../src/core/features/indicators/ema';
import { GarchVol, garchBatch } from '../../../src/core/features/indicators/garch';
import { Macd, macdBatch } from '../../../src/core/features/indicators/macd';
import { Mfi, mfiBatch } from '../../../src/core/features/indicators/mfi';
import { RollingExtreme, rollingExtremeBatch } from '../../../src/core/features/indicators/rolling-extreme';
import { RollingMoments, rollingMomentsBatch } from '../../../src/core/features/indicators/rolling-moments';
import { RollingRank, rollingRankBatch } from '../../../src/core/features/indicators/rolling-rank';
import { RollingSum, rollingSumBatch } from '../../../src/core/features/indicators/rolling-sum';
import { Rsi, rsiBatch } from '../../../src/core/features/indicators/rsi';
import { RunningWindowSum, Sma, smaBatch, windowTotalBatch } from '../../../src/core/features/indicators/sma';
import { Stoch, stochBatch } from '../../../src/core/features/indicators/stoch';
import { trueRange } from '../../../src/core/features/indicators/ta-util';
import { TaVariance, taVarianceBatch } from '../../../src/core/features/indicators/ta-variance';
import { UltOsc, ultoscBatch } from '../../../src/core/features/indicators/ultosc';
import { VolumeFlow, volumeFlowBatch } from '../../../src/core/features/indicators/volume-flow';
import { hasCandleData, loadCandles } from '../../helpers/data';

/**
 * Every batch kernel against its streaming twin on real candles, bit for bit (Object.is): the streaming
 * kernel is fed the same values from the same candle, NaN is expected where it is not fed.
 */

const col = (rows: number): Float64Array => new Float64Array(rows).fill(12345); // not NaN: kernels must write

function expectSame(name: string, batch: Float64Array, stream: Float64Array): void {
  expect(batch.length).toBe(stream.length);
  for (let t = 0; t < stream.length; t++) {
    if (!Object.is(batch[t], stream[t])) expect.fail(`${name} row ${t}: batch ${batch[t]} vs stream ${stream[t]}`);
  }
}

/** Streams x[start..] through `update` and returns the values per row (NaN before start). */
function streamed(x: Float64Array, start: number, update: (v: number) => number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = start; t < x.length; t++) out[t] = update(x[t]!);
  return out;
}

function series(): [string, Candle[]][] {
  const btc = loadCandles('binance_BTCUSDT_1m_2023-03_2023-05.csv');
  const halt = btc.findIndex((c) => c.volume === 0 && c.high === c.low);
  return [
    // the 2023-03-24 halt: flat zero-volume candles, then the gap; long enough for two GARCH refits
    ['BTCUSDT 1m around the halt', btc.slice(Math.max(0, halt - 2600), halt + 600)],
    ['ETHUSDT 1h', loadCandles('binance_ETHUSDT_1h_2023-01_2024-01.csv', 3000)],
    ['DOGEUSDT 5m (short)', loadCandles('binance_DOGEUSDT_5m_2021-01_2021-05.csv', 40)],
  ];
}

describe.skipIf(!hasCandleData)('batch kernels equal their streaming twins bit for bit', () => {
  for (const [label, candles] of hasCandleData ? series() : []) {
    const { open, high, low, close, volume } = toColumns(candles);
    const rows = close.length;
    const tr = new Float64Array(rows).fill(NaN);
    const logRet = new Float64Array(rows).fill(NaN);
    for (let t = 1; t < rows; t++) {
      tr[t] = trueRange(high[t]!, low[t]!, close[t - 1]!);
      logRet[t] = Math.log(close[t]! / close[t - 1]!);
    }
    const dir = close.map((c, t) => (c > open[t]! ? 1 : c < open[t]! ? -1 : 0));
    const zeroVol = volume.map((v) => (v === 0 ? 1 : 0));

    it(`${label}: window totals, SMA, EMA (with skip), ATR, RSI, TA-Lib variance`, () => {
      for (const [start, n] of [
        [0, 5],
        [1, 20],
        [3, 1],
      ] as const) {
        let out = col(rows);
        windowTotalBatch(close, start, n, out);
        const w = new RunningWindowSum(n);
        expectSame(
          `windowTotal(${start}, ${n})`,
          out,
          streamed(close, start, (v) => w.update(v, false)),
        );
        out = col(rows);
        smaBatch(volume, start, n, out);
        const s = new Sma(n);
        expectSame(
          `sma(${start}, ${n})`,
          out,
          streamed(volume, start, (v) => s.update(v, false)),
        );
        for (const skip of [0, 14]) {
          out = col(rows);
          emaBatch(close, start, n, out, skip);
          const e = new Ema(n, skip);
          expectSame(
            `ema(${start}, ${n}, ${skip})`,
            out,
            streamed(close, start, (v) => e.update(v, false)),
          );
        }
      }
      let out = col(rows);
      atrBatch(tr, 1, 14, out);
      const atr = new Atr(14);
      expectSame(
        'atr',
        out,
        streamed(tr, 1, (v) => atr.update(v, false)),
      );
      for (const n of [7, 14]) {
        out = col(rows);
        rsiBatch(close, 0, n, out);
        const rsi = new Rsi(n);
        expectSame(
          `rsi(${n})`,
          out,
          streamed(close, 0, (v) => rsi.update(v, false)),
        );
      }
      const mean = col(rows);
      const std = col(rows);
      taVarianceBatch(close, 0, 20, mean, std);
      const tv = new TaVariance(20);
      const sMean = new Float64Array(rows);
      const sStd = new Float64Array(rows);
      for (let t = 0; t < rows; t++) {
        tv.update(close[t]!, false);
        sMean[t] = tv.mean;
        sStd[t] = tv.std;
      }
      expectSame('ta variance mean', mean, sMean);
      expectSame('ta variance std', std, sStd);
    });

    it(`${label}: rolling extremes, sums (zero windows), moments, rank`, () => {
      for (const [x, kind] of [
        [high, 'max'],
        [low, 'min'],
      ] as const) {
        for (const [start, n] of [
          [0, 14],
          [0, 50],
          [2, 3],
          [1, 1],
        ] as const) {
          const out = col(rows);
          rollingExtremeBatch(x, start, n, kind, out);
          const k = new RollingExtreme(n, kind);
          expectSame(
            `${kind}(${start}, ${n})`,
            out,
            streamed(x, start, (v) => k.update(v, false)),
          );
        }
      }
      for (const [name, x] of [
        ['volume', volume],
        ['zero volume flags', zeroVol],
        ['direction', dir],
        ['log returns', logRet],
      ] as const) {
        for (const [start, n] of [
          [1, 20],
          [2, 3],
          [1, 100],
          [1, 1],
        ] as const) {
          const out = col(rows);
          rollingSumBatch(x, start, n, out);
          const k = new RollingSum(n);
          expectSame(
            `sum ${name}(${start}, ${n})`,
            out,
            streamed(x, start, (v) => k.update(v, false)),
          );
          const scaled = col(rows);
          rollingSumBatch(x, start, n, scaled, 20);
          const k2 = new RollingSum(n);
          expectSame(
            `sum/20 ${name}(${start}, ${n})`,
            scaled,
            streamed(x, start, (v) => k2.update(v, false) / 20),
          );
        }
      }
      for (const [x, start, n, order] of [
        [logRet, 1, 20, 4],
        [logRet, 1, 50, 4],
        [volume, 0, 20, 2],
      ] as const) {
        const outs = [col(rows), col(rows), col(rows), col(rows)] as const;
        rollingMomentsBatch(x, start, n, order, outs[0], outs[1], order === 4 ? outs[2] : null, outs[3]);
        const m = new RollingMoments(n, order);
        const ref = [0, 1, 2, 3].map(() => new Float64Array(rows).fill(NaN));
        for (let t = start; t < rows; t++) {
          m.update(x[t]!, false);
          ref[0]![t] = m.value;
          ref[1]![t] = m.std;
          ref[2]![t] = m.skew;
          ref[3]![t] = m.kurt;
        }
        const names = order === 4 ? ['mean', 'std', 'skew', 'kurt'] : ['mean', 'std'];
        names.forEach((name, j) => expectSame(`moments(${n}) ${name}`, outs[j]!, ref[j]!));
      }
      const std20 = col(rows);
      rollingMomentsBatch(logRet, 1, 20, 2, col(rows), std20);
      const fed = std20.slice(20);
      for (const [w, min] of [
        [500, 100],
        [7, 3],
      ] as const) {
        const out = col(fed.length);
        rollingRankBatch(fed, fed.length, w, min, out);
        const k = new RollingRank(w, min);
        expectSame(
          `rank(${w}, ${min})`,
          out,
          streamed(fed, 0, (v) => k.update(v, false)),
        );
      }
      // heavy ties: many equal values entering and leaving
      const ties = Float64Array.from({ length: 3000 }, (_, i) => Math.floor(Math.abs(Math.sin(i * 0.37)) * 4));
      const out = col(ties.length);
      rollingRankBatch(ties, ties.length, 50, 10, out);
      const k = new RollingRank(50, 10);
      expectSame(
        'rank with ties',
        out,
        streamed(ties, 0, (v) => k.update(v, false)),
      );
    });

    it(`${label}: CCI, MFI, DMI, volume flow, MACD, stochastic, ultimate oscillator`, () => {
      const tp = new Float64Array(rows);
      for (let t = 0; t < rows; t++) tp[t] = (high[t]! + low[t]! + close[t]!) / 3;
      let out = col(rows);
      cciBatch(tp, 20, out);
      const cci = new Cci(20);
      const sCci = new Float64Array(rows);
      for (let t = 0; t < rows; t++) sCci[t] = cci.update(high[t]!, low[t]!, close[t]!, false);
      expectSame('cci', out, sCci);

      out = col(rows);
      mfiBatch(tp, volume, 14, out);
      const mfi = new Mfi(14);
      const sMfi = new Float64Array(rows);
      for (let t = 0; t < rows; t++) sMfi[t] = mfi.update(high[t]!, low[t]!, close[t]!, volume[t]!, false);
      expectSame('mfi', out, sMfi);

      const [pdi, mdi, adx] = [col(rows), col(rows), col(rows)];
      dmiBatch(high, low, close, 14, pdi, mdi, adx);
      const dmi = new Dmi(14);
      const ref = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)] as const;
      for (let t = 0; t < rows; t++) {
        dmi.update(high[t]!, low[t]!, close[t]!, false);
        ref[0][t] = dmi.plusDi;
        ref[1][t] = dmi.minusDi;
        ref[2][t] = dmi.value;
      }
      expectSame('+di', pdi, ref[0]);
      expectSame('-di', mdi, ref[1]);
      expectSame('adx', adx, ref[2]);

      const [obv, ad, adosc] = [col(rows), col(rows), col(rows)];
      volumeFlowBatch(high, low, close, volume, 3, 10, obv, ad, adosc);
      const flow = new VolumeFlow(3, 10);
      for (let t = 0; t < rows; t++) {
        flow.update(high[t]!, low[t]!, close[t]!, volume[t]!, false);
        ref[0][t] = flow.value;
        ref[1][t] = flow.ad;
        ref[2][t] = flow.adosc;
      }
      expectSame('obv', obv, ref[0]);
      expectSame('ad', ad, ref[1]);
      expectSame('adosc', adosc, ref[2]);

      const [macd, signal, hist] = [col(rows), col(rows), col(rows)];
      macdBatch(close, 12, 26, 9, macd, signal, hist, col(rows), col(rows));
      const m = new Macd(12, 26, 9);
      for (let t = 0; t < rows; t++) {
        m.update(close[t]!, false);
        ref[0][t] = m.value;
        ref[1][t] = m.signal;
        ref[2][t] = m.hist;
      }
      expectSame('macd', macd, ref[0]);
      expectSame('macd signal', signal, ref[1]);
      expectSame('macd hist', hist, ref[2]);

      const [hh, ll, k, d] = [col(rows), col(rows), col(rows), col(rows)];
      rollingExtremeBatch(high, 0, 14, 'max', hh);
      rollingExtremeBatch(low, 0, 14, 'min', ll);
      stochBatch(hh, ll, close, 14, 3, 3, k, d, col(rows));
      const st = new Stoch(14, 3, 3);
      for (let t = 0; t < rows; t++) {
        st.update(high[t]!, low[t]!, close[t]!, false);
        ref[0][t] = st.value;
        ref[1][t] = st.d;
      }
      expectSame('stoch k', k, ref[0]);
      expectSame('stoch d', d, ref[1]);

      const bp = new Float64Array(rows).fill(NaN);
      for (let t = 1; t < rows; t++) bp[t] = close[t]! - Math.min(low[t]!, close[t - 1]!);
      out = col(rows);
      ultoscBatch(bp, tr, 1, 7, 14, 28, out, col(rows), col(rows));
      const u = new UltOsc(7, 14, 28);
      const sU = new Float64Array(rows).fill(NaN);
      for (let t = 1; t < rows; t++) sU[t] = u.update(bp[t]!, tr[t]!, false);
      expectSame('ultosc', out, sU);
    });

    it(`${label}: GARCH volatility, residual and persistence (fits and refits)`, () => {
      const w = 1000;
      const [vol, resid, pers] = [col(rows), col(rows), col(rows)];
      garchBatch(logRet, w, 1000, vol, resid, pers);
      const g = new GarchVol(w, 1000);
      const ref = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)] as const;
      for (let t = 0; t < rows; t++) {
        g.update(logRet[t]!, false);
        ref[0][t] = g.value;
        ref[1][t] = g.stdResid;
        ref[2][t] = g.persistence;
      }
      if (rows > w + 1) expect(g.fits).toBeGreaterThan(0);
      expectSame('garch vol', vol, ref[0]);
      expectSame('garch resid', resid, ref[1]);
      expectSame('garch persistence', pers, ref[2]);
    });
  }
});
