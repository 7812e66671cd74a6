/**
 * Backend choice by measurement (issue 17): at load the pattern CNN runs a warm-up batch on every available tfjs
 * backend, compares its outputs with the cpu reference and times it; this module decides from those trials.
 * Logic only: pattern-cnn.ts runs the trials and acts on the decision.
 */

/** The tfjs backends the pattern CNN can run on, in the order they are tried. */
export type CnnBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const CNN_BACKENDS: readonly CnnBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Largest |probability - cpu reference| a backend may show and still be used. */
export const BACKEND_TOLERANCE = 1e-4;

/** One backend tried at load. */
export interface BackendTrial {
  backend: CnnBackend;
  /** Median time of one single-window predict after the warm-up, in ms; null when it did not run. */
  ms: number | null;
  /** Largest |output - reference| over the reference batch; null when it did not run. */
  maxAbsDiff: number | null;
  /** Why it could not run (not registered, failed to initialise, threw); null when it ran. */
  error: string | null;
}

export interface BackendDecision {
  /** The fastest backend whose outputs match the reference; null when none does. */
  chosen: CnnBackend | null;
  /** Every usable backend, fastest first (the fallback order at run time). */
  ranked: CnnBackend[];
  /** Why each other backend was not taken (unavailable, or outputs that differ). */
  rejected: Partial<Record<CnnBackend, string>>;
  trials: BackendTrial[];
  /** One line for the status and the insights panel, e.g. "wasm: 0.61 ms vs webgpu 40.2 ms, cpu 2.9 ms". */
  reason: string;
}

export function formatMs(ms: number): string {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** Picks the fastest backend whose outputs lie within `tolerance` of the reference; ties keep the trial order. */
export function chooseBackend(trials: readonly BackendTrial[], tolerance = BACKEND_TOLERANCE): BackendDecision {
  const rejected: Partial<Record<CnnBackend, string>> = {};
  const usable: { backend: CnnBackend; ms: number; index: number }[] = [];
  trials.forEach((t, index) => {
    if (t.error !== null || t.ms === null || t.maxAbsDiff === null) {
      rejected[t.backend] = t.error ?? 'did not run';
    } else if (!(t.maxAbsDiff <= tolerance)) {
      rejected[t.backend] =
        `outputs differ from the cpu reference by ${t.maxAbsDiff.toExponential(1)} (> ${tolerance.toExponential(0)})`;
    } else if (!Number.isFinite(t.ms)) {
      rejected[t.backend] = 'timing failed';
    } else {
      usable.push({ backend: t.backend, ms: t.ms, index });
    }
  });
  usable.sort((a, b) => a.ms - b.ms || a.index - b.index);
  const ranked = usable.map((u) => u.backend);
  const best = usable[0];
  const rejectedText = Object.entries(rejected)
    .filter(([, why]) => /differ/.test(why))
    .map(([b, why]) => `${b} rejected: ${why}`);
  let reason: string;
  if (!best) {
    reason = `no backend matched the reference (${Object.entries(rejected)
      .map(([b, why]) => `${b}: ${why}`)
      .join('; ')})`;
  } else {
    const others = usable.slice(1).map((u) => `${u.backend} ${formatMs(u.ms)}`);
    reason =
      `${best.backend}: ${formatMs(best.ms)}` +
      (others.length ? ` vs ${others.join(', ')}` : ' (the only usable backend)') +
      (rejectedText.length ? `; ${rejectedText.join('; ')}` : '');
  }
  return { chosen: best?.backend ?? null, ranked, rejected, trials: [...trials], reason };
}
