import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadPatternCnn, type LoadPatternCnnOptions, type PatternCnn, type PatternCnnSource } from './pattern-cnn';

/**
 * Browser / worker entry of the pattern CNN: serves tfjs' wasm binaries through Vite (`?url` imports,
 * so they are fingerprinted and precached like every other asset), then `loadPatternCnn`.
 */
export function useBundledWasmFiles(): void {
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
