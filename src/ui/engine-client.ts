import { wrap, type Remote } from 'comlink';
import type { EngineApi } from '../../workers/engine-api';

let engine: Remote<EngineApi> | null = null;

/** The engine worker, started once per page. Every computation happens there; the page only renders. */
export function getEngine(): Remote<EngineApi> {
  if (!engine) {
    const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'candlecast-engine',
    });
    engine = wrap<EngineApi>(worker);
    // Exposed for end-to-end tests and power users' devtools: the same typed API the UI uses.
    (globalThis as { candlecast?: { engine: Remote<EngineApi> } }).candlecast = { engine };
  }
  return engine;
}
