/** Exponential backoff settings: the cap doubles per attempt from `baseMs` up to `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential growth with "equal jitter" — half of the capped
 * delay is fixed, the other half random — so clients never retry in lockstep yet always wait a little.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return cap / 2 + random() * (cap / 2);
}

/**
 * Milliseconds to wait from an HTTP Retry-After header: delay-seconds (integer, or decimal as some servers
 * send) or an HTTP date (relative to `now`). Null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (header === null || header === undefined) return null;
  const h = header.trim();
  if (h === '') return null;
  if (/^\d+(?:\.\d+)?$/.test(h)) return Math.round(Number(h) * 1000);
  const at = Date.parse(h);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, at - now);
}
