import { isLoopbackHost } from '../feeds/loopback';
import { acceptOverride, type EndpointKind } from '../feeds/network-policy';

export { isLoopbackHost };

/** REST and websocket endpoints that replace an exchange's public ones (for local exchange simulators). */
export interface EndpointOverrides {
  restUrl?: string;
  wsUrl?: string;
}

export interface EndpointOverrideResult {
  /** Accepted overrides, reduced to scheme, host and port. */
  overrides: EndpointOverrides;
  /** One line per `?rest=` / `?ws=` value that was ignored, saying why. */
  rejected: string[];
}

/**
 * Reads `?rest=` and `?ws=` from the page URL. They are honoured only when they point at a loopback address
 * (so a browser test can use a local exchange simulator, and a shared link cannot redirect anyone's feed), and
 * only their scheme, host and port are kept (a path or query in the link is dropped).
 */
export function endpointOverridesFromUrl(pageUrl: URL): EndpointOverrideResult {
  const overrides: EndpointOverrides = {};
  const rejected: string[] = [];
  for (const [param, key, kind] of [
    ['rest', 'restUrl', 'rest'],
    ['ws', 'wsUrl', 'ws'],
  ] as const satisfies readonly (readonly [string, keyof EndpointOverrides, EndpointKind])[]) {
    const raw = pageUrl.searchParams.get(param);
    if (!raw) continue;
    const r = acceptOverride(raw, kind);
    if ('origin' in r) overrides[key] = r.origin;
    else rejected.push(`?${param}= ignored: ${r.problem}`);
  }
  return { overrides, rejected };
}
