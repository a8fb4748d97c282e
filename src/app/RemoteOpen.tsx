// "Open URL…": a model or an SAE by URL (an SAE may need two files: ae.pt and config.json, space-
// separated). The page first asks the server for the size and asks the user, then downloads with a
// progress bar and a Cancel button, keeping the bytes in the browser cache. A shared link that names
// files by URL shows the same question; nothing is downloaded until the user says so.
import { useEffect, useRef, useState } from 'react';
import { downloadRemote, probeRemote, type RemoteInfo } from './remote';
import { useSession, useView } from './state/store';
import type { OpenFiles } from './useOpenFiles';
import { UPLOAD_ID, uploads } from './useWorkbench';

type Role = 'model' | 'sae';
interface Pending { role: Role; infos: RemoteInfo[]; fromLink: boolean }

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

export function RemoteOpen({ open }: { open: OpenFiles }) {
  const view = useView((s) => s.view);
  const set = useView((s) => s.set);
  const patch = useSession((s) => s.patch);
  const manifest = useSession((s) => s.manifest);
  const [form, setForm] = useState(false);
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role>('model');
  const [pending, setPending] = useState<Pending | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const asked = useRef<string>('');

  const check = async (urls: string, r: Role, fromLink: boolean) => {
    try {
      const list = urls.trim().split(/\s+/).filter(Boolean);
      if (list.length === 0) return;
      if (list.length > 4) throw new Error('at most four URLs at a time');
      const infos = await Promise.all(list.map((u) => probeRemote(u)));
      setPending({ role: r, infos, fromLink });
    } catch (e) {
      patch({ error: (e as Error).message });
      if (fromLink) set(r === 'model' ? { modelUrl: null } : { saeUrl: null });
    }
  };

  // A link that names a model or SAE by URL: ask (once per link) before downloading anything.
  useEffect(() => {
    const wanted = view.model === UPLOAD_ID && view.modelUrl && !uploads.model ? ['model', view.modelUrl] as const
      : view.sae === UPLOAD_ID && view.saeUrl && !uploads.sae ? ['sae', view.saeUrl] as const : null;
    if (!wanted || pending || progress || asked.current === wanted.join(' ')) return;
    asked.current = wanted.join(' ');
    void check(wanted[1], wanted[0], true);
  });

  const download = async () => {
    if (!pending) return;
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      const total = pending.infos.reduce((n, i) => n + (i.size ?? 0), 0);
      let before = 0;
      const files = [];
      let cachedAll = true;
      for (const info of pending.infos) {
        const r = await downloadRemote(info, (done) => setProgress({ done: before + done, total: Math.max(total, before + done) }), ctl.signal);
        cachedAll &&= r.fromCache;
        before += r.bytes.byteLength;
        const bytes = r.bytes;
        files.push({ name: info.name, size: bytes.byteLength, read: async () => bytes });
      }
      const urls = pending.infos.map((i) => i.url.href).join(' ');
      setPending(null);
      setForm(false);
      await open(files, pending.role, pending.role === 'model' ? { modelUrl: urls } : { saeUrl: urls });
      patch({ notice: [...useSession.getState().notice, `${pending.infos.map((i) => i.name).join(' + ')} ${cachedAll ? 'read from the browser cache (not downloaded again)' : 'downloaded and kept in the browser cache'}`] });
    } catch (e) {
      patch({ error: `${pending.infos.map((i) => i.name).join(' + ')}: ${(e as Error).message}` });
      setPending(null);
      if (pending.fromLink) set(pending.role === 'model' ? { modelUrl: null } : { saeUrl: null });
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const cancel = () => {
    if (abort.current) { abort.current.abort(); return; }
    if (pending?.fromLink) {
      patch({ notice: [...useSession.getState().notice, `not downloaded: ${pending.infos.map((i) => i.url.href).join(' ')}`] });
      const fallback = manifest?.find((m) => m.game === view.game) ?? manifest?.[0];
      set(pending.role === 'model' ? { modelUrl: null, model: fallback?.id ?? view.model, sae: fallback?.saes[0]?.id ?? 'none' } : { saeUrl: null, sae: 'none' });
    }
    setPending(null);
  };

  return (
    <>
      <button onClick={() => setForm(!form)} title="a model or SAE file by URL, e.g. a Hugging Face resolve/main/... link">Open URL…</button>
      {form && !pending && (
        <form className="url-form" data-testid="url-form" onSubmit={(e) => { e.preventDefault(); void check(text, role, false); }}>
          <input aria-label="file URL" placeholder="https://huggingface.co/…/resolve/main/model.pth" value={text} onChange={(e) => setText(e.target.value)} size={48} />
          <select aria-label="open URL as" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="model">as the model</option>
            <option value="sae">as the SAE (ae.pt + config.json: both URLs)</option>
          </select>
          <button type="submit">Check size</button>
        </form>
      )}
      {pending && (
        <div className="url-ask notice warn" data-testid="url-ask">
          {pending.fromLink ? 'This link opens ' : 'Open '}{pending.role === 'model' ? 'a model' : 'an SAE'} from{' '}
          {pending.infos.map((i) => `${i.url.host}: ${i.name} (${i.inCache ? 'in the browser cache' : i.size !== undefined ? mib(i.size) : 'size not given'})`).join(', ')}.{' '}
          {progress
            ? <span className="progress" role="progressbar" aria-label="download" aria-valuenow={progress.done} aria-valuemax={progress.total} data-testid="download-progress"><span style={{ width: `${(100 * progress.done) / Math.max(1, progress.total)}%` }} />{mib(progress.done)} / {mib(progress.total)}</span>
            : <button onClick={() => void download()}>Download</button>}
          <button onClick={cancel}>Cancel</button>
        </div>
      )}
    </>
  );
}
