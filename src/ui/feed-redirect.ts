import type { EndpointOverrides } from './endpoint-overrides';

/**
 * The banner line while the page's link redirects the exchange feed to a loopback endpoint (`?rest=` / `?ws=`),
 * e.g. "Feed redirected to 127.0.0.1:4620 (REST) and 127.0.0.1:4621 (websocket) by this page's link, not the
 * exchange". Null when no override is active.
 */
export function feedRedirectNotice(overrides: EndpointOverrides): string | null {
  const parts: string[] = [];
  if (overrides.restUrl) parts.push(`${hostPort(overrides.restUrl)} (REST)`);
  if (overrides.wsUrl) parts.push(`${hostPort(overrides.wsUrl)} (websocket)`);
  if (parts.length === 0) return null;
  return `Feed redirected to ${parts.join(' and ')} by this page's link, not the exchange`;
}

/** host:port of an accepted override (always an origin); the scheme's default port when none is written. */
function hostPort(origin: string): string {
  const url = new URL(origin);
  const port = url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}
