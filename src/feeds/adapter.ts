import type { ExchangeAdapter, ExchangeId } from './exchange-types';
import { binance } from './adapters/binance';
import { bybit } from './adapters/bybit';
import { coinbase } from './adapters/coinbase';
import { kraken } from './adapters/kraken';
import { okx } from './adapters/okx';

export * from './exchange-types';

/** Every supported exchange; Binance spot is the default. */
export const ADAPTERS: Record<ExchangeId, ExchangeAdapter> = { binance, coinbase, kraken, bybit, okx };

export const DEFAULT_EXCHANGE: ExchangeId = 'binance';

export function isExchangeId(value: string): value is ExchangeId {
  return Object.prototype.hasOwnProperty.call(ADAPTERS, value);
}
