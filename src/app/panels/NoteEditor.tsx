// The user's name and note for a feature (first line = name), saved to IndexedDB as they type,
// plus export and import of all notes as JSON.
import { useRef, useState } from 'react';
import { useView } from '../state/store';
import { download } from './download';
import { noteKey, useNotes } from './notes';

export function NoteEditor({ feature }: { feature: number }) {
  const view = useView((s) => s.view);
  const { notes, save, exportJson, importJson, error } = useNotes();
  const [message, setMessage] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const key = noteKey(view.model, view.sae, feature);
  return (
    <div className="note">
      <textarea aria-label="feature note" data-testid="note" placeholder="Name this feature (first line), then any notes. Saved in this browser." value={notes[key] ?? ''} onChange={(e) => void save(key, e.target.value)} rows={2} />
      <div className="row">
        <button onClick={() => download('feature-notes.json', exportJson())}>Export notes</button>
        <button onClick={() => file.current?.click()}>Import notes</button>
        <input ref={file} type="file" accept=".json,application/json" hidden onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          try {
            setMessage(`imported ${await importJson(await f.text())} notes`);
          } catch (err) {
            setMessage(`not imported: ${(err as Error).message}`);
          }
        }} />
        {(message || error) && <span className="small" role="status">{message ?? error}</span>}
      </div>
    </div>
  );
}
