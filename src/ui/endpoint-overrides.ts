import { isLoopbackHost } from '../feeds/loopback';

export { isLoopbackHost };

/** REST and websocket endpoints that replace an exchange's public ones (for local exchange simulators). */
export interface EndpointOverrides {
  restUrl?: string;
  wsUrl?: string;
}

export interface EndpointOverrideResult {
  overrides: EndpointOverrides;
  /** One line per `?rest=` / `?ws=` value that was ignored, saying why. */
  rejected: string[];
}

function check(raw: string, param: string, protocols: readonly string[]): { url?: string; problem?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `?${param}= ignored: "${raw}" is not a URL` };
  }
  if (!protocols.includes(url.protocol)) {
    return { problem: `?${param}= ignored: ${url.protocol} is not ${protocols.join(' or ')}` };
  }
  if (!isLoopbackHost(url.hostname)) {
    return { problem: `?${param}= ignored: ${url.hostname} is not a loopback address` };
  }
  if (url.username || url.password) return { problem: `?${param}= ignored: credentials are not allowed` };
  return { url: url.href.replace(/\/$/, '') };
}

/**
 * Reads `?rest=` and `?ws=` from the page URL. They are honoured only when they point at a loopback address
 * (so a browser test can use a local exchange simulator, and a shared link cannot redirect anyone's feed).
 */
export function endpointOverridesFromUrl(pageUrl: URL): EndpointOverrideResult {
  const overrides: EndpointOverrides = {};
  const rejected: string[] = [];
  const rest = pageUrl.searchParams.get('rest');
  if (rest) {
    const r = check(rest, 'rest', ['http:', 'https:']);
    if (r.url) overrides.restUrl = r.url;
    if (r.problem) rejected.push(r.problem);
  }
  const ws = pageUrl.searchParams.get('ws');
  if (ws) {
    const r = check(ws, 'ws', ['ws:', 'wss:']);
    if (r.url) overrides.wsUrl = r.url;
    if (r.problem) rejected.push(r.problem);
  }
  return { overrides, rejected };
}
