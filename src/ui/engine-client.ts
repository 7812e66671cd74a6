import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi } from '../../workers/engine-api';
import { clearPanelLatencies, panelLatencies } from './perf';

let engine: Remote<EngineApi> | null = null;

/** What the page exposes on `globalThis.candlecast` for end-to-end tests, the bench and power users' devtools. */
export interface PageHooks {
  engine: Remote<EngineApi>;
  /** comlink's proxy(), to pass callbacks (subscribe, replay) to the engine from devtools or tests. */
  proxy: typeof proxy;
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
    const hooks: PageHooks = { engine, proxy, perf: { panelLatencies, clear: clearPanelLatencies } };
    (globalThis as { candlecast?: PageHooks }).candlecast = hooks;
  }
  return engine;
}
