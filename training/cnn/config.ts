import type { PatternName } from '../../src/core/patterns/names';

/** Everything that defines a training run of the pattern CNN; change it and the model version changes. */
export const TRAIN_CONFIG = {
  version: 'pattern-cnn-1.7.0',
  seed: 20261124,
  /**
   * Seed of train.py's batch draws (which windows, which hard-mining candidates). Up to 1.5.0 it was `seed`; a stage
   * that continues from the last on the same data draws a fresh stream so it does not revisit the last stage's batches
   * (stage k, below: seed + k).
   */
  drawSeed: 20261124 + 15,
  /**
   * Every file of ../shared/data/candles except FOREIGN_FILES: Binance spot (10+ symbols, 1m, 5m, 15m, 1h, 1d),
   * OKX and Bybit perpetuals, Bybit spot and EUR/USD 1m.
   */
  files: [
    'binance_ADAUSDT_15m_2023-04_2024-04.csv',
    'binance_ADAUSDT_1d_2018-04_2021-06.csv',
    'binance_ADAUSDT_1h_2018-04_2021-06.csv',
    'binance_ADAUSDT_1m_2021-04_2021-05.csv',
    'binance_ADAUSDT_1m_2023-03_2023-05.csv',
    'binance_AVAXUSDT_15m_2023-04_2024-04.csv',
    'binance_BNBUSDT_1d_2017-11_2021-06.csv',
    'binance_BNBUSDT_1h_2017-11_2021-06.csv',
    'binance_BNBUSDT_1m_2021-04_2021-05.csv',
    'binance_BNBUSDT_1m_2021-05_2021-06.csv',
    'binance_BTCUSDT_15m_2023-04_2024-04.csv',
    'binance_BTCUSDT_1h_2023-01_2024-01.csv',
    'binance_BTCUSDT_1m_2021-04_2021-05.csv',
    'binance_BTCUSDT_1m_2022-06_2022-07.csv',
    'binance_BTCUSDT_1m_2023-03_2023-05.csv',
    'binance_BTCUSDT_1m_2024-02_2024-03.csv',
    'binance_BTCUSDT_5m_2021-01_2021-05.csv',
    'binance_BTCUSDT_5m_2024-03_2025-04.csv',
    'binance_DOGEUSDT_15m_2023-04_2024-04.csv',
    'binance_DOGEUSDT_1h_2019-07_2021-06.csv',
    'binance_DOGEUSDT_1m_2021-04_2021-05.csv',
    'binance_DOGEUSDT_1m_2021-05_2021-06.csv',
    'binance_DOGEUSDT_1m_2023-03_2023-05.csv',
    'binance_DOGEUSDT_5m_2021-01_2021-05.csv',
    'binance_DOTUSDT_15m_2020-08_2021-06.csv',
    'binance_ETHUSDT_15m_2023-04_2024-04.csv',
    'binance_ETHUSDT_1d_2017-08_2021-06.csv',
    'binance_ETHUSDT_1h_2017-08_2021-06.csv',
    'binance_ETHUSDT_1h_2023-01_2024-01.csv',
    'binance_ETHUSDT_1m_2021-04_2021-05.csv',
    'binance_ETHUSDT_1m_2021-05_2021-06.csv',
    'binance_ETHUSDT_1m_2022-12_2023-01.csv',
    'binance_ETHUSDT_1m_2023-03_2023-05.csv',
    'binance_ETHUSDT_1m_2024-05_2024-06.csv',
    'binance_ETHUSDT_5m_2021-01_2021-05.csv',
    'binance_LINKUSDT_15m_2023-04_2024-04.csv',
    'binance_LINKUSDT_1h_2019-01_2021-06.csv',
    'binance_LTCUSDT_1h_2017-12_2021-06.csv',
    'binance_MATICUSDT_1h_2019-04_2021-06.csv',
    'binance_NEARUSDT_15m_2023-04_2024-04.csv',
    'binance_OPUSDT_15m_2023-04_2024-04.csv',
    'binance_SOLUSDT_15m_2023-04_2024-04.csv',
    'binance_SOLUSDT_1m_2021-04_2021-05.csv',
    'binance_SOLUSDT_1m_2021-05_2021-06.csv',
    'binance_SOLUSDT_1m_2022-09_2022-10.csv',
    'binance_SOLUSDT_1m_2023-03_2023-05.csv',
    'binance_SOLUSDT_1m_2024-01_2024-02.csv',
    'binance_SOLUSDT_5m_2021-01_2021-05.csv',
    'binance_XRPUSDT_15m_2023-04_2024-04.csv',
    'binance_XRPUSDT_1d_2018-05_2021-06.csv',
    'binance_XRPUSDT_1h_2018-05_2021-06.csv',
    'binance_XRPUSDT_1m_2021-04_2021-05.csv',
    'binance_XRPUSDT_1m_2022-05_2022-07.csv',
    'binance_XRPUSDT_1m_2023-04_2023-05.csv',
    'binance_XRPUSDT_1m_2024-09_2024-10.csv',
    'okxperp_BTCUSDT_5m_2022-05_2022-12.csv',
    'okxperp_ETHUSDT_5m_2022-05_2022-12.csv',
    'okxperp_DOGEUSDT_5m_2022-05_2022-12.csv',
    'bybitperp_BTCUSDT_5m_2025-09_2026-02.csv',
    'bybitperp_ETHUSDT_5m_2025-09_2026-02.csv',
    'bybit_BTCUSDT_5m_2025-01_2025-03.csv',
    'mt5_EURUSD_1m_2018-05_2018-06.csv',
  ],
  /**
   * Files never trained on nor used for thresholds: a venue (OKX 1m, 2026) and a market (GBP/USD) held out
   * entirely, the foreign test set of evalsets.ts.
   */
  foreignFiles: ['okxperp_BTCUSDT_1m_2026-01.csv', 'fxbroker_GBPUSD_1m_2021-01_2021-03.csv'],
  /**
   * One market-stressed copy of every training file (stress.ts `stressMix`): blocks of candles with opens gapping
   * from the previous close, a coarse price grid, or both. Its train split trains, its validation split joins
   * the validation set (thresholds).
   */
  stress: {
    block: 500,
    gap: { probability: [0.3, 1], scale: [0.05, 0.5] },
    tickFraction: [0.05, 0.6],
  },
  /**
   * The stressed copies of every training file, each drawing its blocks from these kinds: the mixture above (the
   * only copy up to 1.4.0), and since 1.5.0 a copy with gapped opens only and one with gaps + a coarse grid (a
   * gapped open breaks the exchange tie open = previous close that the Binance files are full of, and the network
   * had learned that tie as a stand-in for the open).
   */
  stressCopies: [['gap', 'coarse', 'both'], ['gap'], ['both']],
  /** One resampled copy of every training file, by source timeframe (other timeframes, other volatility). */
  resampleTo: { '1m': '5m', '5m': '1h', '15m': '1h', '1h': '6h' },
  /** Train on mirror images of the training candles as well (see dataset.ts). */
  mirrorAugment: true,
  /**
   * Perturbed, re-labelled copies of the training windows of rare patterns (see augment.ts). 1.4.0: "rare" below
   * 25,000 windows (was 15,000) and 60,000 copies per pattern. 1.5.0: the stressed copies above lift the stars over
   * 25,000, so below 40,000; up to 120,000 copies per pattern and 50 per window (three_black_crows has ~2,000
   * windows); 60% of the copies shift whole candles (gapped opens, `gap`) instead of jittering prices.
   */
  augment: {
    rareBelow: 40000,
    targetPerPattern: 120000,
    maxCopies: 50,
    noise: 0.1,
    gapShare: 0.6,
    gap: { probability: [0.3, 1], scale: [0.05, 0.5] },
  },
  batchSize: 256,
  /**
   * Fine-tuning, a chain of warm starts with the output biases reset each time: pattern-cnn-1.1.0 (24,000 steps from
   * scratch on Binance spot, `npm run train:cnn` at commit 3f15e95), 1.3.0 (6,000 steps from 1.1.0 on the broader
   * data above, peak learning rate 5e-4, rare below 15,000, near-miss fraction 0.125: commit 411f9b0), 1.4.0 (6,000
   * steps from 1.3.0: commit eef2063), then 1.5.0 in five stages of 12,000 steps at this learning rate, each from
   * the last (`CNN_TRAIN_ONLY=1 CNN_WARM_START=<previous weights>`), the data growing stage by stage:
   *  1. from 1.4.0: the gap-only stressed copy, gapped near-miss copies (gapShare 0.5), rare below 25,000 with
   *     60,000 copies and at most 20 per window, hard-mining candidates 4;
   *  2. + the 'both' stressed copy, hard-mining candidates 8;
   *  3. + rare below 40,000, 80,000 copies;
   *  4. + at most 50 copies per window (`warm-start/pattern-cnn-1.5.0-stage4.weights.bin`, kept);
   *  5. 120,000 copies, gapShare 0.6: pattern-cnn-1.5.0 (commit 430f2ba).
   * 1.6.0 continued from 1.5.0 with the same data (this config) in five more stages of 12,000 steps, stage k drawing
   * its batches with `drawSeed` = seed + k (6..10). 1.7.0 continued from 1.6.0 in five more stages (11..15) on the
   * same data with `patternWeights` (below) three_white_soldiers / three_black_crows 4/3, 6/4, 6/8, 10/8 and, in stage
   * 15, 10/8 with the hidden dense layer widened from 128 to 256 units (model.ts HIDDEN; train.py widens stage 14's
   * weights without changing what they compute); `npm run train:cnn` reruns stage 15 from stage 14's weights
   * (`warm-start/pattern-cnn-1.7.0-stage14.weights.bin`; 1.6.0's stage 9 file is in git history, commit 7ff3004).
   * Trained from scratch instead (24,000 steps, peak 2e-3, stage 1's data, 128 hidden units) it scored lower
   * everywhere (held-out 0.905, foreign 0.900, gap opens 0.872). 1.1.0's, 1.3.0's,
   * 1.4.0's, 1.5.0's stage 4 and 1.7.0's stage 14 weights (all 128 hidden units) are kept here. The NumPy
   * trainer runs 4,000-9,500 windows/s on the 2-core machine alone (more data, slower; a 12,000-step stage: 6-14
   * min), 500-1,200 when the machine is shared.
   */
  warmStart: 'training/cnn/warm-start/pattern-cnn-1.7.0-stage14.weights.bin',
  steps: 12000,
  /** Adam with linear warm-up then cosine decay from peak to final (5e-4 up to 1.3.0). */
  learningRate: { peak: 3e-4, final: 1e-5, warmupSteps: 100 },
  /**
   * Class imbalance: this fraction of every batch is drawn class-balanced (a pattern chosen uniformly, or by
   * `patternWeights` since 1.7.0, then one of its training windows); the rest uniformly. The sampling prior is
   * undone afterwards by shifting each output bias by logit(true rate) - logit(sampled rate).
   */
  balancedFraction: 0.5,
  /**
   * Hard-example mining: this fraction of every batch is replaced by the highest-loss windows among
   * `candidates` times as many uniformly drawn ones (scored with the current weights), so training keeps
   * working on the windows near the rules' sharp thresholds (4 candidates up to 1.4.0).
   */
  hardMining: { fraction: 0.25, candidates: 8 },
  /**
   * This fraction of every batch is drawn from the perturbed copies of rare-pattern windows (augment.ts): rare
   * positives and, above all, their near misses, which uniform draws would almost never reach (0.125 up to 1.3.0).
   */
  nearMissFraction: 0.25,
  /**
   * Per-pattern emphasis (train.py `lossWeights`, since 1.7.0): a listed pattern's output has its loss column (positives
   * and negatives alike, so its calibrated optimum stays put) multiplied by the weight, and its class is drawn that many
   * times as often in the class-balanced draws; unlisted patterns weigh 1. 1.6.0 missed one bar, three_white_soldiers
   * on gapped opens (0.772), and met three_black_crows' held-out bar with no room (0.800). These are stage 15's.
   */
  patternWeights: { three_white_soldiers: 10, three_black_crows: 8 } as Partial<Record<PatternName, number>>,
} as const;

export type TrainConfig = typeof TRAIN_CONFIG;
