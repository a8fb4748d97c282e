// Choice of model, SAE and layer from public/models/index.json, or the user's own files: a model
// (safetensors or a PyTorch .pt / .pth / .bin, with an optional config .json) and an SAE (SAE-Lens,
// or dictionary_learning ae.pt / ae.safetensors + config.json), opened as files, as a folder, or
// dropped on the page. The residual convention (spec 1.4(e)) is shown and can be overridden.
import { useEffect, useRef, useState } from 'react';
import { fromFileList, type NamedFile } from './open-files';
import { RemoteOpen } from './RemoteOpen';
import { useOpenFiles } from './useOpenFiles';
import { useSession, useView } from './state/store';
import { UPLOAD_ID, uploads } from './useWorkbench';

const NEEDS_HEADS = /does not say how many attention heads/;

/** A button that opens the browser's file (or folder) picker and hands the chosen files on. */
function FilesButton({ label, title, accept, folder, testId, onFiles }: { label: string; title: string; accept?: string; folder?: boolean; testId: string; onFiles: (files: NamedFile[]) => Promise<void> }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button onClick={() => input.current?.click()} title={title}>{label}</button>
      <input ref={input} type="file" multiple={!folder} accept={accept} hidden data-testid={testId} {...(folder ? { webkitdirectory: '', directory: '' } : {})} onChange={async (e) => {
        const files = fromFileList(e.target.files);
        e.target.value = '';
        await onFiles(files);
      }} />
    </>
  );
}

export function ModelPicker() {
  const view = useView((s) => s.view);
  const set = useView((s) => s.set);
  const setGame = useView((s) => s.setGame);
  const { manifest, patch } = useSession();
  const loaded = useSession((s) => s.loaded);
  const error = useSession((s) => s.error);
  const [heads, setHeads] = useState(8);
  const entry = manifest?.find((m) => m.id === view.model);
  const layers = view.model === UPLOAD_ID ? loaded?.nLayers ?? 1 : entry?.config.nLayers ?? loaded?.nLayers ?? 4;
  const bump = () => patch({ uploadVersion: useSession.getState().uploadVersion + 1, error: null });

  const open = useOpenFiles();

  // Files dropped anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      void open(fromFileList(e.dataTransfer.files));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => { window.removeEventListener('dragover', over); window.removeEventListener('drop', drop); };
  });
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
      <label title="the residual stream the model shows: the SAE's own convention (auto), the raw stream, or TransformerLens-processed (centred: the raw stream minus its mean over d_model, as the paper's Othello SAEs were trained)">Residual <select aria-label="residual" value={view.residual} onChange={(e) => set({ residual: e.target.value as 'auto' | 'raw' | 'centred' })}>
        <option value="auto">auto{loaded && view.residual === 'auto' ? ` (${loaded.residual.kind})` : ''}</option>
        <option value="raw">raw</option>
        <option value="centred">centred (TransformerLens)</option>
      </select></label>
      {loaded && <span className="residual-why" data-testid="residual-why">{loaded.residual.kind}: {loaded.residual.why}</span>}
      {loaded?.saeFit && <span className={`sae-fit ${loaded.saeFit.verdict}`} data-testid="sae-fit" role={loaded.saeFit.verdict === 'fits' ? undefined : 'alert'}>{loaded.saeFit.verdict === 'fits' ? '' : '⚠ '}{loaded.saeFit.text}</span>}
      <FilesButton label="Open model…" title="a model: .safetensors, .pt, .pth or .bin, with its config .json when it has one" accept=".safetensors,.pt,.pth,.bin,.ckpt,.json" testId="model-files" onFiles={(f) => open(f, 'model')} />
      <FilesButton label="Open SAE…" title="SAE-Lens: cfg.json + sae_weights.safetensors; dictionary_learning: ae.pt or ae.safetensors (+ config.json)" accept=".safetensors,.pt,.pth,.json" testId="sae-files" onFiles={(f) => open(f, 'sae')} />
      <FilesButton label="Open folder…" title="a folder holding a model and/or an SAE (e.g. a dictionary_learning trainerN folder); files can also be dropped on the page" folder testId="folder-files" onFiles={(f) => open(f)} />
      <RemoteOpen open={open} />
      {error && NEEDS_HEADS.test(error) && uploads.model && (
        <form className="heads-form" data-testid="heads-form" onSubmit={(e) => {
          e.preventDefault();
          uploads.model = { ...uploads.model!, nHeads: heads };
          set({ model: UPLOAD_ID, sae: view.sae === UPLOAD_ID ? UPLOAD_ID : 'none' });
          bump();
        }}>
          <label>Attention heads of {uploads.model.name} <input aria-label="attention heads" type="number" min={1} max={1024} value={heads} onChange={(e) => setHeads(Math.max(1, Math.min(1024, Math.floor(Number(e.target.value)) || 1)))} /></label>
          <button type="submit">Load with {heads} heads</button>
          <span className="hint">Li et al.'s Othello-GPT and Karvonen's chess models use 8</span>
        </form>
      )}
    </div>
  );
}
