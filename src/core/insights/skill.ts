import { HORIZONS, type HorizonKey } from './types';

interface HeldOutMetrics {
  ic?: unknown;
  ic_se?: unknown;
}

/**
 * Horizons whose held-out IC (from public/models/manifest.json) is positive by more than two standard
 * errors: the only ones allowed to drive prediction signals. Null when the manifest says nothing usable.
 */
export function skillfulHorizons(manifest: unknown): HorizonKey[] | null {
  const heldOut = (manifest as { models?: { price_ensemble?: { metrics?: { held_out_period?: unknown } } } } | null)
    ?.models?.price_ensemble?.metrics?.held_out_period;
  if (typeof heldOut !== 'object' || heldOut === null) return null;
  const out: HorizonKey[] = [];
  for (const h of HORIZONS) {
    const m = (heldOut as Record<string, HeldOutMetrics | undefined>)[String(h)];
    if (typeof m?.ic === 'number' && typeof m.ic_se === 'number' && m.ic > 2 * m.ic_se)
      out.push(String(h) as HorizonKey);
  }
  return out;
}
