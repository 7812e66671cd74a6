export * from './candle';
export * from './timeframe';
export * from './validate';
export * from './gaps';
export * from './resample';
export * from './ring-buffer';
