import * as fake from 'fake-indexeddb';

const CLASSES = [
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBDatabase',
  'IDBIndex',
  'IDBKeyRange',
  'IDBObjectStore',
  'IDBOpenDBRequest',
  'IDBRequest',
  'IDBTransaction',
  'IDBVersionChangeEvent',
] as const;

/**
 * idb recognises requests and cursors with `instanceof IDBRequest` etc., and the stores build key ranges
 * with the global IDBKeyRange, so Node needs fake-indexeddb's classes as globals. The global `indexedDB`
 * itself is NOT set: every test passes its own fresh factory, so databases never leak between tests.
 */
export function freshIdbFactory(): IDBFactory {
  const g = globalThis as Record<string, unknown>;
  for (const name of CLASSES) g[name] ??= fake[name];
  return new fake.IDBFactory();
}
