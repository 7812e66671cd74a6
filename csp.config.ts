/**
 * The Content-Security-Policy of the built app. Scripts only from the app itself ('wasm-unsafe-eval' because
 * onnxruntime-web and tfjs compile WebAssembly); network only to the app, the exchanges' public REST and
 * websocket hosts, and loopback (local exchange simulators and endpoint overrides, which the app accepts only
 * for loopback addresses).
 */
const EXCHANGE_HOSTS = [
  'https://api.binance.com',
  'wss://stream.binance.com:9443',
  'https://data-api.binance.vision',
  'wss://data-stream.binance.vision',
  'https://api.exchange.coinbase.com',
  'wss://ws-feed.exchange.coinbase.com',
  'wss://advanced-trade-ws.coinbase.com',
  'https://api.kraken.com',
  'wss://ws.kraken.com',
  'https://api.bybit.com',
  'wss://stream.bybit.com',
  'https://www.okx.com',
  'wss://ws.okx.com:8443',
];
const LOOPBACK = ['http://127.0.0.1:*', 'ws://127.0.0.1:*', 'http://localhost:*', 'ws://localhost:*'];

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  `connect-src 'self' ${[...EXCHANGE_HOSTS, ...LOOPBACK].join(' ')}`,
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
