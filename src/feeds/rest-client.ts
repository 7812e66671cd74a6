import type { Timeframe } from '../core/candles/timeframe';
import { parseRetryAfter } from './backoff';
import {
  ExchangeRejection,
  MalformedResponse,
  RateLimitedResponse,
  type ExchangeAdapter,
  type RestPage,
} from './exchange-types';

export type RestOutcome =
  | { kind: 'ok'; page: RestPage }
  /** HTTP 429 / 418 (or a rate-limit code in the body): wait `retryAfterMs` when the server said how long. */
  | { kind: 'rate-limited'; status: number; retryAfterMs: number | null; reason: string }
  /** 5xx, network failure, timeout or an unreadable answer: retry with backoff. */
  | { kind: 'transient'; status: number | null; malformed: boolean; reason: string }
  /** The exchange refuses the request for good (unknown symbol...). */
  | { kind: 'rejected'; status: number | null; reason: string };

/** One REST call for candles, classified; never throws. */
export async function fetchCandles(
  fetchFn: typeof fetch,
  url: string,
  adapter: ExchangeAdapter,
  tf: Timeframe,
  timeoutMs: number,
  now: () => number,
): Promise<RestOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetchFn(url, { signal: controller.signal });
    text = await res.text();
  } catch (err) {
    const reason = controller.signal.aborted ? `timeout after ${timeoutMs} ms` : errorMessage(err);
    return { kind: 'transient', status: null, malformed: false, reason: `${adapter.id} REST: ${reason}` };
  } finally {
    clearTimeout(timer);
  }
  const status = res.status;
  if (status === 429 || status === 418) {
    return {
      kind: 'rate-limited',
      status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now()),
      reason: `${adapter.id} REST: HTTP ${status}`,
    };
  }
  if (status >= 500)
    return { kind: 'transient', status, malformed: false, reason: `${adapter.id} REST: HTTP ${status}` };
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    if (status >= 400)
      return { kind: 'rejected', status, reason: `${adapter.id} REST: HTTP ${status} ${text.slice(0, 120)}` };
    return { kind: 'transient', status, malformed: true, reason: `${adapter.id} REST: answer is not JSON` };
  }
  try {
    const page = adapter.parseRest(body, tf);
    if (status >= 400) return { kind: 'rejected', status, reason: `${adapter.id} REST: HTTP ${status}` };
    return { kind: 'ok', page };
  } catch (err) {
    if (err instanceof RateLimitedResponse) {
      return {
        kind: 'rate-limited',
        status,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now()),
        reason: err.message,
      };
    }
    if (err instanceof ExchangeRejection || status >= 400) {
      return {
        kind: 'rejected',
        status,
        reason: status >= 400 ? `${err instanceof Error ? err.message : ''} (HTTP ${status})` : errorMessage(err),
      };
    }
    if (err instanceof MalformedResponse) return { kind: 'transient', status, malformed: true, reason: err.message };
    return { kind: 'transient', status, malformed: true, reason: errorMessage(err) };
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
