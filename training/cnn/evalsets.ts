import { fromColumns, toColumns, type CandleColumns } from '../../src/core/candles/candle';
import { resample } from '../../src/core/candles/resample';
import { parseTimeframe, type Timeframe } from '../../src/core/candles/timeframe';
import { detectPatterns } from '../../src/core/patterns/rules';
import { WINDOW_LENGTH } from '../../src/core/patterns/window';
import { TRAIN_CONFIG } from './config';
import { loadColumns, packLabels, splitStarts } from './data';
import type { Source, WindowSet } from './dataset';
import { coarseTicks, gapOpens } from './stress';

/**
 * The evaluation sets of the pattern CNN (issue 17), built the same way by train.ts (manifest metrics) and by
 * tests/unit/models/heldout.test.ts (the acceptance bars), all scored against the rule detectors:
 *
 * - `heldout`: the latest 20% of every training file (never trained on, not used for thresholds);
 * - `resampled`: held-out periods resampled to timeframes absent from training (3m, 30m, 2h, 4h);
 * - `stress_gap_opens`, `stress_coarse_ticks`, `stress_both`: held-out periods of STRESS_FILES transformed to
 *   mimic other markets (stress.ts) with settings and seeds the training mixture never used;
 * - `foreign`: TRAIN_CONFIG.foreignFiles (a venue and an FX market held out entirely), whole files.
 */
export const EVAL_SETS = [
  'heldout',
  'resampled',
  'stress_gap_opens',
  'stress_coarse_ticks',
  'stress_both',
  'foreign',
] as const;
export type EvalSetName = (typeof EVAL_SETS)[number];

/** Held-out periods resampled to timeframes absent from the training data (TRAIN_CONFIG.resampleTo avoids them). */
export const RESAMPLED: readonly (readonly [string, Timeframe, Timeframe])[] = [
  ['binance_BTCUSDT_1m_2023-03_2023-05.csv', '1m', '3m'],
  ['binance_ETHUSDT_1m_2024-05_2024-06.csv', '1m', '3m'],
  ['binance_SOLUSDT_1m_2024-01_2024-02.csv', '1m', '3m'],
  ['binance_XRPUSDT_1m_2024-09_2024-10.csv', '1m', '3m'],
  ['binance_BTCUSDT_15m_2023-04_2024-04.csv', '15m', '30m'],
  ['binance_ETHUSDT_15m_2023-04_2024-04.csv', '15m', '30m'],
  ['binance_SOLUSDT_15m_2023-04_2024-04.csv', '15m', '30m'],
  ['binance_DOGEUSDT_15m_2023-04_2024-04.csv', '15m', '30m'],
  ['binance_ETHUSDT_1h_2017-08_2021-06.csv', '1h', '4h'],
  ['binance_BTCUSDT_1h_2023-01_2024-01.csv', '1h', '2h'],
  ['binance_LTCUSDT_1h_2017-12_2021-06.csv', '1h', '4h'],
  ['binance_XRPUSDT_1h_2018-05_2021-06.csv', '1h', '4h'],
  ['okxperp_ETHUSDT_5m_2022-05_2022-12.csv', '5m', '30m'],
  ['mt5_EURUSD_1m_2018-05_2018-06.csv', '1m', '3m'],
];

/** Training files whose held-out periods form the stress sets: every timeframe, venue and market. */
export const STRESS_FILES: readonly string[] = [
  'binance_BTCUSDT_1m_2024-02_2024-03.csv',
  'binance_ETHUSDT_1m_2022-12_2023-01.csv',
  'binance_DOGEUSDT_1m_2023-03_2023-05.csv',
  'binance_SOLUSDT_5m_2021-01_2021-05.csv',
  'binance_BTCUSDT_5m_2024-03_2025-04.csv',
  'binance_LINKUSDT_15m_2023-04_2024-04.csv',
  'binance_AVAXUSDT_15m_2023-04_2024-04.csv',
  'binance_BNBUSDT_1h_2017-11_2021-06.csv',
  'binance_MATICUSDT_1h_2019-04_2021-06.csv',
  'binance_ETHUSDT_1d_2017-08_2021-06.csv',
  'okxperp_BTCUSDT_5m_2022-05_2022-12.csv',
  'bybitperp_ETHUSDT_5m_2025-09_2026-02.csv',
  'bybit_BTCUSDT_5m_2025-01_2025-03.csv',
  'mt5_EURUSD_1m_2018-05_2018-06.csv',
];

/** Stress-set settings: one fixed market each, outside what the training mixture draws per block. */
export const STRESS_EVAL = {
  gap: { probability: 0.6, scale: 0.3 },
  tickFraction: 0.3,
  seed: 20261201,
} as const;

/** Timeframe in a data file name (`{exchange}_{SYMBOL}_{interval}_...`). */
export function timeframeOfFile(file: string): Timeframe {
  const tf = file.split('_')[2];
  return parseTimeframe(tf ?? '');
}

/** A labelled evaluation source (rules at every candle). */
export function labelledSource(file: string, cols: CandleColumns): Source {
  return { file, mirrored: false, cols, labels: packLabels(detectPatterns(cols), cols.close.length) };
}

/** Every complete window of every source. */
export function allWindows(sources: readonly Source[]): WindowSet {
  const counts = sources.map((s) => Math.max(0, s.cols.close.length - WINDOW_LENGTH + 1));
  const n = counts.reduce((a, b) => a + b, 0);
  const src = new Int32Array(n);
  const end = new Int32Array(n);
  let r = 0;
  sources.forEach((_, k) => {
    for (let i = 0; i < counts[k]!; i++, r++) {
      src[r] = k;
      end[r] = WINDOW_LENGTH - 1 + i;
    }
  });
  return { sources, src, end, n };
}

function sliceColumns(cols: CandleColumns, from: number): CandleColumns {
  return {
    time: cols.time.slice(from),
    open: cols.open.slice(from),
    high: cols.high.slice(from),
    low: cols.low.slice(from),
    close: cols.close.slice(from),
    volume: cols.volume.slice(from),
  };
}

/** Candles of the held-out split (latest 20%) of a training file. */
export function heldoutColumns(dir: string, file: string): CandleColumns {
  const cols = loadColumns(dir, file);
  return sliceColumns(cols, splitStarts(cols.close.length).test);
}

export function resampleColumns(cols: CandleColumns, from: Timeframe, to: Timeframe): CandleColumns {
  return toColumns(resample(fromColumns(cols), from, to).candles);
}

/**
 * Builds one evaluation set as labelled sources (every window counts). `heldout` uses TRAIN_CONFIG.files (or
 * `files`), the others their fixed lists.
 */
export function buildEvalSet(name: EvalSetName, dir: string, files: readonly string[] = TRAIN_CONFIG.files): Source[] {
  switch (name) {
    case 'heldout':
      return files.map((f) => labelledSource(f, heldoutColumns(dir, f)));
    case 'resampled':
      return RESAMPLED.map(([f, from, to]) =>
        labelledSource(`${f} -> ${to}`, resampleColumns(heldoutColumns(dir, f), from, to)),
      );
    case 'stress_gap_opens':
      return STRESS_FILES.map((f, k) =>
        labelledSource(`${f} (gap opens)`, gapOpens(heldoutColumns(dir, f), STRESS_EVAL.gap, STRESS_EVAL.seed + k)),
      );
    case 'stress_coarse_ticks':
      return STRESS_FILES.map((f) =>
        labelledSource(`${f} (coarse ticks)`, coarseTicks(heldoutColumns(dir, f), STRESS_EVAL.tickFraction)),
      );
    case 'stress_both':
      return STRESS_FILES.map((f, k) =>
        labelledSource(
          `${f} (gap opens + coarse ticks)`,
          coarseTicks(
            gapOpens(heldoutColumns(dir, f), STRESS_EVAL.gap, STRESS_EVAL.seed + 100 + k),
            STRESS_EVAL.tickFraction,
          ),
        ),
      );
    case 'foreign':
      return TRAIN_CONFIG.foreignFiles.map((f) => labelledSource(f, loadColumns(dir, f)));
  }
}
