import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { loadPriceEnsemble, type ArtifactReader, type PriceEnsemble } from './price-ensemble';

/**
 * Browser / worker loader of the price ensemble: onnxruntime-web's wasm build, its .wasm and .mjs glue served
 * by Vite (`?url` imports), several threads only when the page is cross-origin isolated (SharedArrayBuffer).
 * Artifacts are fetched from `baseUrl` (default `<base>/models/price-ensemble/`).
 */
export function configureOrtWasm(): { threads: number } {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  const threads = isolated ? Math.max(1, Math.min(4, cores)) : 1;
  ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
  ort.env.wasm.numThreads = threads;
  return { threads };
}

export function fetchReader(baseUrl: string): ArtifactReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (name) => {
    const url = new URL(name, new URL(base, globalThis.location?.href)).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

/** `source`: a base URL, or a reader (the worker passes integrity.ts' checksum-verifying one). */
export async function loadPriceEnsembleInBrowser(
  source: string | ArtifactReader = `${import.meta.env.BASE_URL}models/price-ensemble/`,
): Promise<PriceEnsemble> {
  const { threads } = configureOrtWasm();
  return loadPriceEnsemble(typeof source === 'string' ? fetchReader(source) : source, {
    ort,
    backendLabel: threads > 1 ? `wasm (${threads} threads)` : 'wasm',
  });
}
