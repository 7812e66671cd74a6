import { wrap, type Remote } from 'comlink';
import type { Timeframe } from '../core/candles/timeframe';
import type { EngineApi, StreamUpdate, SubscriptionInfo } from '../../workers/engine-api';
import type { EndpointOverrides } from './endpoint-overrides';
import { clearPanelLatencies, panelLatencies } from './perf';

let engine: Remote<EngineApi> | null = null;

/** What the page exposes on `globalThis.candlecast` for end-to-end tests, the bench and power users' devtools. */
export interface PageHooks {
  engine: Remote<EngineApi>;
  perf: { panelLatencies: () => number[]; clear: () => void };
}

/** The engine worker, started once per page. Every computation happens there; the page only renders. */
export function getEngine(): Remote<EngineApi> {
  if (!engine) {
    const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'candlecast-engine',
    });
    engine = wrap<EngineApi>(worker);
    const hooks: PageHooks = { engine, perf: { panelLatencies, clear: clearPanelLatencies } };
    (globalThis as { candlecast?: PageHooks }).candlecast = hooks;
  }
  return engine;
}

/**
 * `engine.subscribe`, passing loopback endpoint overrides (from `?rest=&ws=`) as an optional 5th argument.
 * The worker's contract does not declare that argument yet; comlink forwards it unchanged.
 */
export function subscribeStream(
  api: Remote<EngineApi>,
  symbol: string,
  timeframe: Timeframe,
  exchange: string,
  onUpdate: (update: StreamUpdate) => void,
  overrides: EndpointOverrides,
): Promise<SubscriptionInfo> {
  if (overrides.restUrl === undefined && overrides.wsUrl === undefined) {
    return api.subscribe(symbol, timeframe, exchange, onUpdate);
  }
  const withOptions = api.subscribe as unknown as (
    symbol: string,
    timeframe: Timeframe,
    exchange: string,
    onUpdate: (update: StreamUpdate) => void,
    options: EndpointOverrides,
  ) => Promise<SubscriptionInfo>;
  return withOptions(symbol, timeframe, exchange, onUpdate, overrides);
}
