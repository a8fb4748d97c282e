// The feature atlas is computed once per (model weights, SAE weights, hook, games, seed) and kept:
// in memory for this page (switching back to a model or SAE is instant) and in the browser's
// IndexedDB across visits. The key hashes the weights themselves (SHA-256), so a re-shipped model
// with the same name, or a user's own file, never meets a stale atlas.
import type { Results } from './protocol';

/** Bumped whenever what an atlas holds (families, statistics) changes, so older stored atlases are not used. */
export const ATLAS_FORMAT = 2;
const DB = 'sae-workbench', STORE = 'atlas', KEEP = 24, IN_MEMORY = 8;

type Entry = Results['atlas'];

/** Every typed array in an object tree, in a fixed order, with the non-array fields as JSON. */
function flatten(x: unknown, arrays: ArrayBufferView[], path = ''): unknown {
  if (ArrayBuffer.isView(x)) { arrays.push(x); return `#${arrays.length - 1}`; }
  if (Array.isArray(x)) return x.map((v, i) => flatten(v, arrays, `${path}[${i}]`));
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, flatten((x as Record<string, unknown>)[k], arrays, `${path}.${k}`)]));
  return x;
}

const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (v) => v.toString(16).padStart(2, '0')).join('');

/** SHA-256 over the parts' contents: each typed array hashed, then the structure with those hashes. */
export async function contentKey(...parts: unknown[]): Promise<string> {
  const arrays: ArrayBufferView[] = [];
  const shape = JSON.stringify(flatten([ATLAS_FORMAT, ...parts], arrays));
  const hashes = await Promise.all(arrays.map((a) => crypto.subtle.digest('SHA-256', new Uint8Array(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength))));
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${shape}|${hashes.map(hex).join(',')}`)));
}

const memory = new Map<string, Entry>();

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null); // private windows or a full disk: work without the store
  });
}

const done = <T>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });

/** A stored atlas for the key: from memory, else from IndexedDB (then kept in memory), else undefined. */
export async function cachedAtlas(key: string): Promise<(Entry & { from: 'memory' | 'browser' }) | undefined> {
  const m = memory.get(key);
  if (m) return { ...m, from: 'memory' };
  const db = await openDb();
  if (!db) return undefined;
  try {
    const row = await done(db.transaction(STORE).objectStore(STORE).get(key)) as { entry: Entry; at: number } | undefined;
    if (!row) return undefined;
    remember(key, row.entry);
    return { ...row.entry, from: 'browser' };
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

function remember(key: string, entry: Entry) {
  memory.delete(key);
  memory.set(key, entry);
  while (memory.size > IN_MEMORY) memory.delete(memory.keys().next().value!);
}

/** Keeps the atlas in memory and in IndexedDB (the oldest beyond KEEP are dropped); storage failures are ignored. */
export async function storeAtlas(key: string, entry: Entry): Promise<void> {
  remember(key, entry);
  const db = await openDb();
  if (!db) return;
  try {
    const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
    await done(store.put({ entry, at: Date.now() }, key));
    // both lists come in key order
    const [keys, rows] = await Promise.all([done(store.getAllKeys()), done(store.getAll()) as Promise<Array<{ at: number }>>]);
    if (keys.length > KEEP) {
      const byAge = keys.map((k, i) => ({ k, at: rows[i].at })).sort((a, b) => a.at - b.at);
      for (const { k } of byAge.slice(0, keys.length - KEEP)) store.delete(k);
    }
  } catch {
    // quota exceeded or the store is unavailable: the atlas stays in memory only
  } finally {
    db.close();
  }
}
