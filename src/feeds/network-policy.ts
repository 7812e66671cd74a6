import type { ExchangeAdapter, ExchangeEndpoints } from './exchange-types';
import { isLoopbackHost } from './loopback';
import type { WebSocketCtor } from './ws-types';

/**
 * The feeds' network policy in code (the Content-Security-Policy of csp.config.ts is the same rule enforced by
 * the browser): an exchange adapter talks only to its exchange's own origins (`defaultEndpoints`) or to an
 * accepted loopback override, and every fetch and WebSocket of a feed goes through `guardFetch` /
 * `guardWebSocket`, which refuse any other origin before a byte is sent.
 */

/** A refused URL: not one of the origins the feed may reach. */
export class NetworkPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkPolicyError';
  }
}

export type EndpointKind = 'rest' | 'ws';

const PROTOCOLS: Record<EndpointKind, readonly string[]> = { rest: ['http:', 'https:'], ws: ['ws:', 'wss:'] };

/**
 * Checks an endpoint override and reduces it to scheme, host and port (a path, query or fragment is dropped, so a
 * link cannot make the app request some local path). Accepted only for loopback hosts, without credentials.
 */
export function acceptOverride(raw: string, kind: EndpointKind): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `"${raw.slice(0, 80)}" is not a URL` };
  }
  const protocols = PROTOCOLS[kind];
  if (!protocols.includes(url.protocol)) return { problem: `${url.protocol} is not ${protocols.join(' or ')}` };
  if (!isLoopbackHost(url.hostname)) return { problem: `${url.hostname} is not a loopback address` };
  if (url.username || url.password) return { problem: 'credentials are not allowed' };
  return { origin: originOf(url) };
}

/** `scheme://host[:port]` of a URL (the WHATWG `origin` is "null" for ws: and wss: in some runtimes). */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The origins one feed may reach. */
export class NetworkPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: Iterable<string>) {
    this.origins = new Set(origins);
  }

  allowed(): string[] {
    return [...this.origins];
  }

  /** Throws NetworkPolicyError unless `raw` is on one of the allowed origins. */
  check(raw: string): void {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new NetworkPolicyError(`refused "${raw.slice(0, 80)}": not a URL`);
    }
    if (url.username || url.password || !this.origins.has(originOf(url))) {
      throw new NetworkPolicyError(
        `refused ${originOf(url)}: not this feed's exchange or loopback override (${this.allowed().join(', ')})`,
      );
    }
  }
}

/** The exchange's own REST and websocket origins (what csp.config.ts allows as connect-src). */
export function exchangeOrigins(adapter: ExchangeAdapter): string[] {
  return [adapter.defaultEndpoints.restUrl, adapter.defaultEndpoints.wsUrl].map((u) => originOf(new URL(u)));
}

/**
 * Endpoints and policy of one feed: the exchange's defaults, with overrides accepted only for loopback and
 * reduced to their origin. Throws NetworkPolicyError (one line) for a refused override.
 */
export function feedNetwork(
  adapter: ExchangeAdapter,
  overrides: Partial<ExchangeEndpoints> = {},
): { endpoints: ExchangeEndpoints; policy: NetworkPolicy } {
  const endpoints = { ...adapter.defaultEndpoints };
  const origins = exchangeOrigins(adapter);
  for (const [key, kind] of [
    ['restUrl', 'rest'],
    ['wsUrl', 'ws'],
  ] as const) {
    const raw = overrides[key];
    if (raw === undefined) continue;
    const r = acceptOverride(raw, kind);
    if ('problem' in r) throw new NetworkPolicyError(`${adapter.id} ${kind} endpoint refused: ${r.problem}`);
    endpoints[key] = r.origin;
    origins.push(r.origin);
  }
  return { endpoints, policy: new NetworkPolicy(origins) };
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** `fetchFn` limited to the policy's origins; redirects are not followed (a redirect could leave them). */
export function guardFetch(policy: NetworkPolicy, fetchFn: typeof fetch): typeof fetch {
  return (input, init) => {
    try {
      policy.check(requestUrl(input));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return fetchFn(input, { ...init, redirect: 'error' });
  };
}

/** A WebSocket class whose constructor refuses URLs outside the policy's origins. */
export function guardWebSocket(policy: NetworkPolicy, WS: WebSocketCtor): WebSocketCtor {
  return class GuardedWebSocket {
    constructor(url: string) {
      policy.check(url);
      return new WS(url);
    }
  } as unknown as WebSocketCtor;
}
