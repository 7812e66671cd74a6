import { hex, type ModelFileHooks } from './integrity';

/** The browser's (and worker's) hooks for integrity.ts: files fetched from `baseUrl`, SHA-256 by Web Crypto. */
export function browserModelFiles(baseUrl: string): ModelFileHooks {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, globalThis.location?.href);
  return {
    async read(path) {
      const url = new URL(path, base).href;
      let res: Response;
      try {
        res = await fetch(url);
      } catch (err) {
        throw new Error(`${url}: cannot fetch (${err instanceof Error ? err.message : String(err)})`, { cause: err });
      }
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async sha256(bytes) {
      if (!globalThis.crypto?.subtle) throw new Error('Web Crypto is unavailable (the page is not a secure context)');
      return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    },
  };
}
