import type { Candle } from '../core/candles/candle';
import { timeframeMs, type Timeframe } from '../core/candles/timeframe';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { ExchangeAdapter, ExchangeEndpoints, RestPage, RestWindow } from './exchange-types';
import type { BackfillCounts } from './feed-status';
import type { BackfillPlan } from './candle-sequencer';
import { fetchCandles } from './rest-client';

/** How often a 'next'-close feed asks REST again for a candle the stream saw but REST does not have yet. */
const CONFIRM_RETRIES = 3;

/** What the backfill needs from the session that runs it. */
export interface BackfillHost {
  /** True once the session stopped: every wait ends and nothing more is fetched. */
  stopped(): boolean;
  /** A wait the session cuts short when it stops. */
  sleep(ms: number): Promise<void>;
  /** The exchange refused for good: the session ends with this reason. */
  fail(reason: string): void;
  /** Counters changed (a retry is waiting). */
  changed(): void;
}

export interface RestBackfillOptions {
  adapter: ExchangeAdapter;
  endpoints: ExchangeEndpoints;
  symbol: string;
  timeframe: Timeframe;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  backoff: BackoffPolicy;
  /** Spacing between REST requests. */
  minIntervalMs: number;
  timeoutMs: number;
}

/** Rows a fill fetched (ascending, one per open time) and the newest time the exchange says is final. */
export interface BackfillRows {
  rows: Candle[];
  confirmedThrough: number;
}

/**
 * Fetches candle history from an exchange's REST API and returns the rows: paginated windows, the adapter's
 * rate limit between requests, Retry-After and backoff on 429/5xx/timeouts, holes stepped over while the stream
 * is ahead. It emits nothing; the session hands the rows to the candle sequencer.
 */
export class RestBackfill {
  private readonly tfMs: number;
  private lastRequestAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly o: RestBackfillOptions,
    private readonly counts: BackfillCounts,
    private readonly host: BackfillHost,
  ) {
    this.tfMs = timeframeMs(o.timeframe);
  }

  /**
   * Rows from `plan.from` (or the latest page) up to the present, or at least up to `bound`. When the plan
   * expects a candle REST does not list yet, asks again after a backoff (at most CONFIRM_RETRIES times).
   * Null when the session stopped or the exchange refused.
   */
  async fill(plan: BackfillPlan, bound: number | null): Promise<BackfillRows | null> {
    for (let attempt = 0; ; attempt++) {
      const got = await this.collect(plan.from, bound);
      if (got === null) return null;
      const confirmed = plan.expect === null || got.rows.some((r) => r.time === plan.expect);
      if (confirmed || attempt >= CONFIRM_RETRIES) return got;
      // The stream saw this candle but REST does not list it yet: give the exchange a moment.
      await this.host.sleep(backoffDelay(attempt, this.o.backoff, this.o.random));
      if (this.host.stopped()) return null;
    }
  }

  private async collect(from: number | undefined, bound: number | null): Promise<BackfillRows | null> {
    const pageSpan = (this.o.adapter.restPageLimit - 1) * this.tfMs;
    let cursor = from;
    const rows: Candle[] = [];
    let confirmedThrough = Number.NEGATIVE_INFINITY;
    for (;;) {
      const window: RestWindow = cursor === undefined ? {} : { from: cursor, to: cursor + pageSpan };
      const page = await this.request(window);
      if (page === null) return null;
      if (page.confirmedThrough !== undefined && page.confirmedThrough > confirmedThrough) {
        confirmedThrough = page.confirmedThrough;
      }
      let newest = rows.length > 0 ? rows[rows.length - 1]!.time : Number.NEGATIVE_INFINITY;
      let added = 0;
      for (const c of page.candles) {
        if (cursor !== undefined && c.time < cursor) continue;
        if (c.time <= newest) continue;
        rows.push(c);
        newest = c.time;
        added++;
      }
      if (cursor === undefined || window.to === undefined) break; // latest page only
      const windowEnd = window.to;
      if (added === 0) {
        // Nothing in this window: a hole at the exchange. Step over it only while the stream's candle is ahead.
        if (bound !== null && windowEnd + this.tfMs < bound) {
          cursor = windowEnd + this.tfMs;
          continue;
        }
        break;
      }
      // Continue right after the newest row (a server may cap pages below our window) while the stream's candle
      // is still ahead, or while the page came back full.
      if ((bound !== null && newest < bound) || newest >= windowEnd || added >= this.o.adapter.restPageLimit) {
        cursor = newest + this.tfMs;
        continue;
      }
      break;
    }
    return { rows, confirmedThrough };
  }

  /** One REST page, retried through rate limits and transient failures; null when stopped or rejected. */
  private async request(window: RestWindow): Promise<RestPage | null> {
    const { adapter, endpoints, symbol, timeframe: tf, backoff, random, now } = this.o;
    const host = this.host;
    const st = this.counts;
    const url = adapter.restUrl(endpoints.restUrl, symbol, tf, window);
    for (let attempt = 0; !host.stopped();) {
      const wait = this.lastRequestAt + this.o.minIntervalMs - now();
      if (wait > 0) await host.sleep(wait);
      if (host.stopped()) return null;
      this.lastRequestAt = now();
      st.restRequests++;
      const out = await fetchCandles(this.o.fetch, url, adapter, tf, this.o.timeoutMs, now);
      if (host.stopped()) return null;
      switch (out.kind) {
        case 'ok':
          return out.page;
        case 'rejected':
          host.fail(out.reason);
          return null;
        case 'rate-limited': {
          st.rateLimited++;
          // The server's Retry-After, but never less than our own backoff (a "Retry-After: 0" must not spin).
          const delay = Math.max(out.retryAfterMs ?? 0, backoffDelay(attempt++, backoff, random));
          st.retryAfterMs = out.retryAfterMs ?? delay;
          st.lastError = `${out.reason}; retrying in ${Math.round(delay)} ms`;
          host.changed();
          await host.sleep(delay);
          break;
        }
        case 'transient': {
          if (out.malformed) st.malformed++;
          else st.httpErrors++;
          const delay = backoffDelay(attempt++, backoff, random);
          st.lastError = `${out.reason}; retrying in ${Math.round(delay)} ms`;
          host.changed();
          await host.sleep(delay);
          break;
        }
      }
    }
    return null;
  }
}
