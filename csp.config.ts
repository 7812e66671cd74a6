import { ADAPTERS } from './src/feeds/adapter';
import { exchangeOrigins } from './src/feeds/network-policy';

/**
 * The app's security headers, declared once: the Content-Security-Policy and its neighbours. Vite serves them as
 * HTTP headers in `vite preview` and `vite dev` (a dedicated worker takes its policy from its own script's
 * response, not from the page, so a meta tag alone leaves the worker, which does all the networking,
 * unrestricted); the build also puts the policy into index.html as a meta tag for hosts that send no headers;
 * `npm run headers` writes the same headers for static hosts (public/_headers for Netlify and Cloudflare Pages,
 * vercel.json, docs/nginx-security-headers.conf).
 *
 * Scripts only from the app itself ('wasm-unsafe-eval' because onnxruntime-web and tfjs compile WebAssembly);
 * network only to the app, the exchanges' own REST and websocket origins (from the adapters, the same list
 * src/feeds/network-policy.ts enforces in code) and loopback (local exchange simulators and endpoint overrides,
 * which the app accepts only for exactly these loopback hosts).
 */
export const EXCHANGE_ORIGINS: readonly string[] = [...new Set(Object.values(ADAPTERS).flatMap(exchangeOrigins))];

/** Chromium rejects IPv6 literals in host-sources, so [::1] cannot be named (and overrides refuse it). */
const LOOPBACK = ['http://127.0.0.1:*', 'ws://127.0.0.1:*', 'http://localhost:*', 'ws://localhost:*'];

function policy(options: { frameAncestors: boolean; inlineStyles: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    // The dev server injects component styles as <style> elements (hot reload); the build uses files only.
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${[...EXCHANGE_ORIGINS, ...LOOPBACK].join(' ')}`,
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    // Only as a header: browsers ignore frame-ancestors in a meta tag.
    ...(options.frameAncestors ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}

/** The policy as an HTTP header (every response: pages, the worker script, wasm, models). */
export const CONTENT_SECURITY_POLICY = policy({ frameAncestors: true, inlineStyles: false });

/** The policy for the built index.html's meta tag (the same, less what a meta tag cannot carry). */
export const CONTENT_SECURITY_POLICY_META = policy({ frameAncestors: false, inlineStyles: false });

/** Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/** Every header the app is served with (preview and static hosts). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  ...ISOLATION_HEADERS,
};

/** The dev server's headers: the same, with inline styles allowed for hot reload. */
export const DEV_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': policy({ frameAncestors: true, inlineStyles: true }),
};

/** The header files shipped for static hosts, path (from the repository root) -> content. */
export function hostHeaderFiles(): Record<string, string> {
  const entries = Object.entries(SECURITY_HEADERS);
  return {
    'public/_headers': `# Generated from csp.config.ts by \`npm run headers\` (Netlify, Cloudflare Pages).\n/*\n${entries
      .map(([k, v]) => `  ${k}: ${v}\n`)
      .join('')}`,
    'vercel.json': `${JSON.stringify(
      { headers: [{ source: '/(.*)', headers: entries.map(([key, value]) => ({ key, value })) }] },
      null,
      2,
    )}\n`,
    'docs/nginx-security-headers.conf': `# Generated from csp.config.ts by \`npm run headers\`. Include inside the server { } block that serves dist/.\n${entries
      .map(([k, v]) => `add_header ${k} "${v}" always;\n`)
      .join('')}`,
  };
}
