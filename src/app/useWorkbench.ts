// Keeps the worker in step with the view: loads the model/SAE the view names (with progress), then
// the feature atlas, and re-analyses the game whenever its moves change. Results carry the key of
// what they were computed for, so a late answer for an old choice is never shown as current.
import { useEffect, useRef } from 'react';
import { parseManifest } from '../model/manifest';
import { useSession, useView } from './state/store';
import type { ModelChoice, SaeChoice } from './worker/protocol';
import { WorkerClient } from './worker/client';

/** Files the user loaded in this tab (never part of a link). */
export const uploads: { model?: Extract<ModelChoice, { kind: 'files' }>; sae?: Extract<SaeChoice, { kind: 'files' }> } = {};
export const UPLOAD_ID = 'my-file';
/** Keys of uploads already handed to the worker. */
const sentKeys = new Set<string>();
let uploadCount = 0;
/** A fresh key for newly opened files. */
export const newUploadKey = () => `upload-${++uploadCount}`;

const base = () => new URL(import.meta.env.BASE_URL, location.href).href;
const search = () => new URLSearchParams(location.search);
/** games in the feature atlas: ?atlas=N (tests use fewer), 200 by default */
export const atlasGames = () => Math.max(8, Math.min(2000, Number(search().get('atlas')) || 200));

let client: WorkerClient | null = null;
export const workerClient = () => (client ??= new WorkerClient());

export function useWorkbench(): void {
  const view = useView((s) => s.view);
  const session = useSession();
  const usesUpload = view.model === UPLOAD_ID || view.sae === UPLOAD_ID;
  const loadKey = `${view.model}|${view.sae}|${view.sae === 'none' ? view.layer : ''}|${view.residual}|${usesUpload ? session.uploadVersion : ''}`;
  const gameOf = (v: typeof view) => (v.game === 'chess' ? v.text : v.moves);
  const movesKey = view.game === 'chess' ? view.text : view.moves.join(',');
  const loadSeq = useRef(0);

  useEffect(() => {
    fetch(`${base()}models/index.json`)
      .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.json(); })
      .then((j) => useSession.getState().patch({ manifest: parseManifest(j) }))
      .catch((e) => useSession.getState().patch({ error: `could not read the model list (public/models/index.json): ${(e as Error).message}` }));
  }, []);

  useEffect(() => {
    const manifest = session.manifest;
    if (!manifest) return;
    const s = useSession.getState();
    const seq = ++loadSeq.current;
    let model: ModelChoice = { kind: 'manifest', id: view.model };
    if (view.model === UPLOAD_ID) {
      if (!uploads.model && view.modelUrl) return; // a linked model by URL: the page asks before downloading it (RemoteOpen)
      if (!uploads.model) { useView.getState().set({ model: manifest[0].id }); s.patch({ notice: [...s.notice, 'your own model file is not part of a link; load it again'] }); return; }
      model = uploads.model;
    } else if (!manifest.some((m) => m.id === view.model && m.game === view.game)) {
      const fallback = manifest.find((m) => m.game === view.game) ?? manifest[0];
      s.patch({ notice: [...s.notice, `there is no ${view.game} model "${view.model}"; showing ${fallback.name}`] });
      useView.getState().set({ model: fallback.id, game: fallback.game });
      return;
    }
    let sae: SaeChoice = view.sae === 'none' ? { kind: 'none' } : { kind: 'manifest', id: view.sae };
    if (view.sae === UPLOAD_ID) {
      if (!uploads.sae && view.saeUrl) return; // asked before downloading (RemoteOpen)
      if (!uploads.sae) { useView.getState().set({ sae: 'none' }); s.patch({ notice: [...s.notice, 'your own SAE file is not part of a link; load it again'] }); return; }
      sae = uploads.sae;
    } else if (sae.kind === 'manifest') {
      const entry = manifest.find((m) => m.id === view.model);
      if (entry && !entry.saes.some((e) => e.id === view.sae)) {
        const fallback = entry.saes.find((e) => e.id === 'standard-c1.0')?.id ?? entry.saes[0]?.id ?? 'none';
        s.patch({ notice: [...s.notice, `${entry.name} has no SAE "${view.sae}"; showing ${fallback}`] });
        useView.getState().set({ sae: fallback });
        return;
      }
    }
    if (s.loaded && s.loadedKey === loadKey) return; // back to what is loaded (e.g. after a failed load)
    const c = workerClient();
    const previous = { model: s.loadedView?.model, sae: s.loadedView?.sae, layer: s.loadedView?.layer };
    s.setJob('load', { label: 'Loading model and SAE', done: 0, total: 2 });
    const forceCpu = search().get('cpu') === '1';
    // The user's files go to the worker once, transferred rather than copied (a 100 MB checkpoint
    // would otherwise be copied again on every load); later loads name them by key.
    const transfer: ArrayBuffer[] = [];
    const once = <T extends { kind: string; files?: Record<string, ArrayBuffer>; key?: string }>(choice: T): T => {
      if (choice.kind !== 'files' || !choice.key) return choice;
      if (!sentKeys.has(choice.key)) {
        sentKeys.add(choice.key);
        transfer.push(...Object.values(choice.files ?? {}));
        return choice;
      }
      return { ...choice, files: {} };
    };
    const request = { type: 'load' as const, base: base(), model: once(model), sae: once(sae), layer: view.layer, residual: view.residual, forceCpu, measureBackends: search().get('backend') !== 'webgpu' };
    c.request(request, (label, done, total) => useSession.getState().setJob('load', { label, done, total }), transfer)
      .then((loaded) => {
        if (seq !== loadSeq.current) return;
        const st = useSession.getState();
        st.setJob('load', null);
        st.patch({ error: null, loaded, loadedKey: loadKey, loadedView: { model: view.model, sae: view.sae, layer: view.layer }, analysis: null, atlas: null });
        // A feature number from a link that this SAE does not have: say so rather than show nothing.
        const f = useView.getState().view.feature;
        if (f !== null && f >= loaded.dSae) {
          st.patch({ notice: [...st.notice, loaded.dSae ? `feature ${f} is not one of this SAE's ${loaded.dSae} features (0..${loaded.dSae - 1})` : `feature ${f} needs an SAE; none is loaded`] });
          useView.getState().set({ feature: null });
        }
        if (loaded.dSae === 0) return;
        st.setJob('atlas', { label: 'Feature atlas', done: 0, total: 1 });
        return c.request({ type: 'atlas', games: atlasGames(), seed: 2024 }, (label, done, total) => useSession.getState().setJob('atlas', { label: `Feature atlas (${atlasGames()} games)`, done, total }))
          .then((r) => { if (seq === loadSeq.current) useSession.getState().patch({ atlas: { ...r, key: loadKey } }); })
          .finally(() => { if (seq === loadSeq.current) useSession.getState().setJob('atlas', null); });
      })
      .catch((e) => {
        if (seq !== loadSeq.current) return;
        const st = useSession.getState();
        st.setJob('load', null);
        // Nothing is lost: the worker keeps the session it had, and the view returns to it.
        st.patch({ error: `${(e as Error).message}${previous.model ? ' (still showing the previous model and SAE)' : ''}` });
        if (previous.model && previous.sae !== undefined && previous.layer !== undefined) useView.getState().set({ model: previous.model, sae: previous.sae, layer: previous.layer });
      });
  }, [session.manifest, loadKey]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!session.loaded || session.loadedKey !== loadKey) return;
    if (session.loaded.game !== view.game) return; // the other game's model is still loading
    const moves = gameOf(view);
    if (moves.length === 0) { useSession.getState().patch({ analysis: null }); return; }
    const key = `${loadKey}#${movesKey}`;
    const keyNow = () => { const v = useView.getState().view; return `${loadKey}#${v.game === 'chess' ? v.text : v.moves.join(',')}`; };
    workerClient().request({ type: 'analyze', moves }).then(
      (a) => {
        if (keyNow() === key) useSession.getState().patch({ analysis: { ...a, key } });
      },
      (e) => useSession.getState().patch({ error: (e as Error).message }),
    );
  }, [session.loaded, movesKey]); // eslint-disable-line react-hooks/exhaustive-deps
}
