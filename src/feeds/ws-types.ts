/**
 * The part of the WHATWG WebSocket the feeds use. The browser's (and the worker's) WebSocket satisfies it, and so
 * does the `ws` package's client in Node, which the CLI injects; src/feeds itself imports no Node module.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

export const WS_OPEN = 1;

const decoder = new TextDecoder();

/** Text of a message event's data (text frames arrive as strings; binary frames are decoded as UTF-8). */
export function messageText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return decoder.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return decoder.decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (Array.isArray(data)) {
    const parts = data.filter((d): d is Uint8Array => ArrayBuffer.isView(d));
    return parts.map((p) => decoder.decode(p)).join('');
  }
  return null;
}
