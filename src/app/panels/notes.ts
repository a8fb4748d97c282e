// Names and notes the user gives features, kept in IndexedDB (they survive reloads), exported and
// imported as JSON. Keys are "model/sae/feature". Imported files are checked: an object of short strings.
import { create } from 'zustand';
import { parseJsonLimited, quote } from '../../tensor/safe-json';

const DB = 'boardgame-workbench', STORE = 'notes', MAX_NOTE = 2000, MAX_NOTES = 100_000, MAX_FILE = 16 * 2 ** 20;

export const noteKey = (model: string, sae: string, feature: number) => `${model}/${sae}/${feature}`;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function tx<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = work(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(req ? req.result : undefined); };
    t.onerror = () => { db.close(); reject(t.error ?? new Error('IndexedDB write failed')); };
  });
}

interface NotesStore {
  notes: Record<string, string>;
  ready: boolean;
  error: string | null;
  load(): Promise<void>;
  save(key: string, text: string): Promise<void>;
  importJson(text: string): Promise<number>;
  exportJson(): string;
}

export class NotesFileError extends Error {}

export function parseNotesFile(text: string): Record<string, string> {
  // Sized up front: a file of 150,000 notes is refused before anything of it is parsed.
  if (text.length > MAX_FILE) throw new NotesFileError(`the notes file is ${(text.length / 2 ** 20).toFixed(1)} MB; at most ${MAX_FILE / 2 ** 20} MB are accepted`);
  let j: unknown;
  try { j = parseJsonLimited(text); } catch { throw new NotesFileError('the notes file is not valid JSON'); }
  const notes = (j as { notes?: unknown })?.notes;
  if (typeof notes !== 'object' || notes === null || Array.isArray(notes)) throw new NotesFileError('the notes file has no "notes" object');
  const out: Record<string, string> = Object.create(null);
  const entries = Object.entries(notes);
  if (entries.length > MAX_NOTES) throw new NotesFileError(`the notes file has ${entries.length} notes; at most ${MAX_NOTES} are accepted`);
  for (const [k, v] of entries) {
    if (!/^[A-Za-z0-9._-]{1,64}\/[A-Za-z0-9._-]{1,64}\/\d{1,7}$/.test(k)) throw new NotesFileError(`${quote(k)} is not a model/sae/feature key`);
    if (typeof v !== 'string' || v.length > MAX_NOTE) throw new NotesFileError(`the note for ${k} is not text of at most ${MAX_NOTE} characters`);
    out[k] = v;
  }
  return out;
}

export const useNotes = create<NotesStore>((set, get) => ({
  notes: {}, ready: false, error: null,
  async load() {
    try {
      const keys = (await tx('readonly', (s) => s.getAllKeys())) as string[];
      const values = (await tx('readonly', (s) => s.getAll())) as string[];
      const notes: Record<string, string> = {};
      keys.forEach((k, i) => { notes[k] = values[i]; });
      set({ notes, ready: true });
    } catch (e) {
      set({ ready: true, error: `notes are not saved in this browser: ${(e as Error).message}` });
    }
  },
  async save(key, text) {
    const value = text.slice(0, MAX_NOTE);
    set({ notes: { ...get().notes, [key]: value } });
    try {
      await tx('readwrite', (s) => { if (value) s.put(value, key); else s.delete(key); });
    } catch (e) {
      set({ error: `the note could not be saved: ${(e as Error).message}` });
    }
  },
  async importJson(text) {
    const incoming = parseNotesFile(text);
    for (const [k, v] of Object.entries(incoming)) await get().save(k, v);
    return Object.keys(incoming).length;
  },
  exportJson() {
    return JSON.stringify({ format: 'boardgame-workbench-notes', version: 1, notes: get().notes }, null, 2);
  },
}));
