// Opening the user's files as the model, the SAE, or both (sorted by name when not told), from the
// Open buttons, a folder, a drop or a download by URL. The files are kept for reloads of this page's
// session; a link names them only when they came from a URL.
import { readAll, sortFiles, type NamedFile } from './open-files';
import { useSession, useView } from './state/store';
import type { View } from './state/view';
import { newUploadKey, UPLOAD_ID, uploads } from './useWorkbench';

export type OpenFiles = (files: NamedFile[], as?: 'model' | 'sae', from?: { modelUrl?: string; saeUrl?: string }) => Promise<void>;

export function useOpenFiles(): OpenFiles {
  const set = useView((s) => s.set);
  const patch = useSession((s) => s.patch);
  return async (files, as, from = {}) => {
    try {
      if (files.length === 0) return;
      const byName = (fs: NamedFile[]) => Object.fromEntries(fs.map((f) => [f.name.split('/').pop()!, f]));
      const sorted = as === 'model' ? { model: byName(files), ignored: [] } : as === 'sae' ? { sae: byName(files), ignored: [] } : sortFiles(files);
      const model = 'model' in sorted ? sorted.model : undefined, sae = 'sae' in sorted ? sorted.sae : undefined;
      if (!model && !sae) return patch({ error: `no model or SAE among ${files.map((f) => f.name).join(', ').slice(0, 200)}` });
      const next: Partial<View> = { feature: null, edits: [] };
      if (model) {
        const read = await readAll(model);
        const name = Object.keys(read).find((n) => !/\.json$/i.test(n)) ?? Object.keys(read)[0];
        uploads.model = { kind: 'files', name, files: read, key: newUploadKey() };
        Object.assign(next, { model: UPLOAD_ID, modelUrl: from.modelUrl ?? null });
        if (!sae) Object.assign(next, { sae: 'none', saeUrl: null });
      }
      if (sae) {
        const read = await readAll(sae);
        uploads.sae = { kind: 'files', name: Object.keys(read).join(' + '), files: read, key: newUploadKey() };
        Object.assign(next, { sae: UPLOAD_ID, saeUrl: from.saeUrl ?? null });
      }
      if (sorted.ignored.length) patch({ notice: [...useSession.getState().notice, `not used: ${sorted.ignored.join(', ').slice(0, 200)}`] });
      set(next);
      patch({ uploadVersion: useSession.getState().uploadVersion + 1, error: null });
    } catch (err) {
      patch({ error: (err as Error).message });
    }
  };
}
