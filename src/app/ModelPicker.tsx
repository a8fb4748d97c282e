// Choice of model, SAE and layer from public/models/index.json, or the user's own safetensors files
// (a model with its HookedTransformer-style config, an SAE in SAE-Lens or dictionary_learning layout).
import { useRef } from 'react';
import { useSession, useView } from './state/store';
import { UPLOAD_ID, uploads } from './useWorkbench';

const MAX_FILE = 1 << 30;

async function readFiles(list: FileList | null): Promise<Record<string, ArrayBuffer>> {
  const out: Record<string, ArrayBuffer> = {};
  for (const f of Array.from(list ?? [])) {
    if (f.size > MAX_FILE) throw new Error(`${f.name} is ${(f.size / 2 ** 20).toFixed(0)} MiB; files over 1 GiB are refused`);
    out[f.name] = await f.arrayBuffer();
  }
  return out;
}

export function ModelPicker() {
  const view = useView((s) => s.view);
  const set = useView((s) => s.set);
  const setGame = useView((s) => s.setGame);
  const { manifest, patch } = useSession();
  const modelFiles = useRef<HTMLInputElement>(null);
  const saeFiles = useRef<HTMLInputElement>(null);
  const entry = manifest?.find((m) => m.id === view.model);
  const layers = entry?.config.nLayers ?? 4;
  const fail = (message: string) => patch({ error: message });
  return (
    <div className="picker">
      <label>Game <select aria-label="game" value={view.game} onChange={(e) => {
        const game = e.target.value as 'othello' | 'chess';
        const first = manifest?.find((m) => m.game === game && m.trained) ?? manifest?.find((m) => m.game === game);
        setGame(game, first?.id, first ? (first.saes.find((x) => x.id === 'standard-c1.0') ?? first.saes[0])?.id ?? 'none' : undefined);
      }}>
        <option value="othello">Othello</option>
        <option value="chess" disabled={manifest !== null && !manifest.some((m) => m.game === 'chess')}>Chess</option>
      </select></label>
      <label>Model <select aria-label="model" value={view.model} onChange={(e) => set({ model: e.target.value, feature: null, edits: [] })}>
        {manifest?.filter((m) => m.game === view.game).map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
        {view.model === UPLOAD_ID && <option value={UPLOAD_ID}>{uploads.model?.name ?? 'your model'}</option>}
        {!entry && view.model !== UPLOAD_ID && <option value={view.model}>{view.model}</option>}
      </select></label>
      <label>SAE <select aria-label="SAE" value={view.sae} onChange={(e) => set({ sae: e.target.value, feature: null, edits: [] })}>
        <option value="none">none (model only)</option>
        {entry?.saes.map((s) => <option key={s.id} value={s.id}>{s.id} · {s.hook.replace('.hook_resid_post', '')}</option>)}
        {view.sae === UPLOAD_ID && <option value={UPLOAD_ID}>{uploads.sae?.name ?? 'your SAE'}</option>}
        {/* until the manifest arrives, a linked SAE still shows as chosen rather than as "none" */}
        {!entry && view.sae !== 'none' && view.sae !== UPLOAD_ID && <option value={view.sae}>{view.sae}</option>}
      </select></label>
      {view.sae === 'none' && (
        <label>Layer <select aria-label="layer" value={view.layer} onChange={(e) => set({ layer: Number(e.target.value) })}>
          {Array.from({ length: layers }, (_, l) => <option key={l} value={l}>{l} (resid_post)</option>)}
        </select></label>
      )}
      <button onClick={() => modelFiles.current?.click()} title="a .safetensors model and its config .json">Open model…</button>
      <input ref={modelFiles} type="file" multiple accept=".safetensors,.json" hidden data-testid="model-files" onChange={async (e) => {
        try {
          const files = await readFiles(e.target.files);
          e.target.value = '';
          const names = Object.keys(files);
          const w = names.find((n) => n.endsWith('.safetensors')), c = names.find((n) => n.endsWith('.json'));
          if (!w || !c) return fail('open two files together: the model .safetensors and its config .json');
          uploads.model = { kind: 'files', name: w, weights: files[w], config: new TextDecoder().decode(files[c]) };
          set({ model: UPLOAD_ID, sae: 'none', feature: null, edits: [] });
          patch({ uploadVersion: useSession.getState().uploadVersion + 1 });
        } catch (err) { fail((err as Error).message); }
      }} />
      <button onClick={() => saeFiles.current?.click()} title="SAE-Lens: cfg.json + sae_weights.safetensors; dictionary_learning: ae.safetensors (+ config.json)">Open SAE…</button>
      <input ref={saeFiles} type="file" multiple accept=".safetensors,.json" hidden data-testid="sae-files" onChange={async (e) => {
        try {
          const files = await readFiles(e.target.files);
          e.target.value = '';
          if (Object.keys(files).length === 0) return;
          uploads.sae = { kind: 'files', name: Object.keys(files).join(' + '), files };
          set({ sae: UPLOAD_ID, feature: null, edits: [] });
          patch({ uploadVersion: useSession.getState().uploadVersion + 1 });
        } catch (err) { fail((err as Error).message); }
      }} />
    </div>
  );
}
