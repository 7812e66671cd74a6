/**
 * Approximate retained size of an object graph: typed-array bytes plus 8 bytes per numeric / boolean
 * field and 8 per reference, visiting each object once.
 */
export function approxStateBytes(root: object): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let bytes = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      continue;
    }
    const values = Array.isArray(v) ? (v as unknown[]) : Object.values(v as Record<string, unknown>);
    for (const x of values) {
      bytes += 8;
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return bytes;
}
