import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadPatternCnn, type LoadPatternCnnOptions, type PatternCnn, type PatternCnnSource } from './pattern-cnn';
import { env } from './tfjs';

/**
 * Browser / worker entry of the pattern CNN: serves tfjs' wasm binaries through Vite (`?url` imports,
 * so they are fingerprinted and precached like every other asset), then `loadPatternCnn`.
 */
export function useBundledWasmFiles(): void {
  // The single-threaded SIMD build: on a cross-origin isolated page tfjs would pick the threaded build, whose helper
  // threads start from blob: scripts that the worker's Content-Security-Policy (worker-src/script-src 'self')
  // refuses, and setBackend('wasm') would then never settle. A 20x5 window gains nothing from threads.
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasmUrl,
  });
}

export function loadPatternCnnInBrowser(
  source: PatternCnnSource,
  options: LoadPatternCnnOptions = {},
): Promise<PatternCnn> {
  useBundledWasmFiles();
  return loadPatternCnn(source, options);
}
