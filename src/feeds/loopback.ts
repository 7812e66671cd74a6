const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);

/**
 * True for 127.0.0.1 and localhost: the only hosts an endpoint override may point at (exactly the loopback hosts the
 * Content-Security-Policy's connect-src names; a CSP cannot express the rest of 127.0.0.0/8, and Chromium refuses
 * IPv6 literals such as [::1] in it).
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase());
}

/** True when `raw` parses as an http(s)/ws(s) URL whose host is a loopback address. */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && isLoopbackHost(url.hostname);
}
