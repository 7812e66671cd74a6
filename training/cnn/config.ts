/** Everything that defines a training run of the pattern CNN; change it and the model version changes. */
export const TRAIN_CONFIG = {
  version: 'pattern-cnn-1.0.0',
  seed: 20261124,
  /** Files of ../shared/data/candles: several symbols and every timeframe (1m, 5m, 15m, 1h, 1d). */
  files: [
    'binance_BTCUSDT_1h_2023-01_2024-01.csv',
    'binance_ETHUSDT_1h_2023-01_2024-01.csv',
    'binance_LTCUSDT_1h_2017-12_2021-06.csv',
    'binance_LINKUSDT_1h_2019-01_2021-06.csv',
    'binance_ETHUSDT_1d_2017-08_2021-06.csv',
    'binance_BNBUSDT_1d_2017-11_2021-06.csv',
    'binance_ADAUSDT_1d_2018-04_2021-06.csv',
    'binance_SOLUSDT_15m_2023-04_2024-04.csv',
    'binance_DOGEUSDT_15m_2023-04_2024-04.csv',
    'binance_AVAXUSDT_15m_2023-04_2024-04.csv',
    'binance_OPUSDT_15m_2023-04_2024-04.csv',
    'binance_BTCUSDT_5m_2021-01_2021-05.csv',
    'binance_DOGEUSDT_5m_2021-01_2021-05.csv',
    'binance_BTCUSDT_1m_2023-03_2023-05.csv',
    'binance_ETHUSDT_1m_2024-05_2024-06.csv',
    'binance_ADAUSDT_1m_2021-04_2021-05.csv',
  ],
  batchSize: 128,
  steps: 6000,
  /** Adam with linear warm-up then cosine decay from peak to final. */
  learningRate: { peak: 2e-3, final: 5e-5, warmupSteps: 200 },
  /**
   * Class imbalance: this fraction of every batch is drawn class-balanced (a pattern chosen uniformly,
   * then one of its training windows); the rest uniformly. The sampling prior is undone afterwards
   * by shifting each output bias by logit(true rate) - logit(sampled rate).
   */
  balancedFraction: 0.5,
} as const;

export type TrainConfig = typeof TRAIN_CONFIG;
