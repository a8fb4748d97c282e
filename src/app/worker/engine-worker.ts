// The page's worker: owns the model, the SAE and the GPU device (WebGPU in the worker, or the CPU
// reference), so the page never freezes while they run. Two queues: the feature atlas (long) runs
// on its own, so analyses and interventions of the board on screen never wait behind it; a load
// waits for both, since it replaces what they use.
import { browserShaderSource } from '../../gpu/browser';
import { createGpuContext } from '../../gpu/context';
import { cachedAtlas, contentKey, storeAtlas } from './atlas-cache';
import { loadAssets } from './assets';
import type { Reply, Request, Results } from './protocol';
import { Workbench } from './workbench';

let bench: Workbench | undefined;
let slow: Promise<void> = Promise.resolve();
let fast: Promise<void> = Promise.resolve();

const post = (reply: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

/** The user's files, kept here after their one transfer from the page (the last few of each kind). */
const held = new Map<string, Record<string, ArrayBuffer>>();

function resolveFiles<T extends { kind: string; files?: Record<string, ArrayBuffer>; key?: string }>(choice: T): T {
  if (choice.kind !== 'files' || !choice.key) return choice;
  if (choice.files && Object.keys(choice.files).length) {
    held.set(choice.key, choice.files);
    while (held.size > 4) held.delete(held.keys().next().value!);
    return choice;
  }
  const files = held.get(choice.key);
  if (!files) throw new Error('the file is no longer held by the workbench; open it again');
  return { ...choice, files };
}

async function handle(id: number, req: Request): Promise<unknown> {
  const progress = (label: string) => (done: number, total: number) => post({ id, kind: 'progress', label, done, total });
  if (req.type === 'load') {
    const t0 = performance.now();
    progress('loading model and SAE')(0, 3);
    const assets = await loadAssets({ ...req, model: resolveFiles(req.model), sae: resolveFiles(req.sae) });
    progress('starting the GPU')(1, 3);
    bench?.destroy();
    const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
    bench = await Workbench.create(assets, req.forceCpu ? null : () => createGpuContext(gpu), browserShaderSource, { measure: req.measureBackends ?? true });
    if (req.forceCpu) bench.gpuProblem = 'the CPU reference was requested';
    if (assets.sae) progress('checking that the SAE fits the model')(2, 3);
    const result: Results['load'] = {
      game: assets.game, backend: bench.backend, gpuProblem: bench.gpuProblem, modelName: assets.modelName, hook: assets.hook, layer: assets.layer,
      nLayers: assets.model.config.nLayers, backendNote: bench.backendNote, saeFit: bench.saeFit(), nCtx: assets.model.config.nCtx, residual: assets.residual, architectureFrom: assets.architectureFrom, dSae: assets.sae?.dSae ?? 0, saeName: assets.saeName, probes: assets.probeNames,
      statics: bench.featureStatics(), ms: performance.now() - t0,
    };
    return result;
  }
  if (!bench) throw new Error('no model loaded yet');
  if (req.type === 'analyze') return bench.analyze(req.moves);
  if (req.type === 'intervene') return bench.intervene(req.moves, req.position, req.edits);
  if (req.type === 'atlas') {
    const t0 = performance.now();
    // the weights as loaded (a centred residual convention is already folded into them), the hook, the games
    const a = bench.assets;
    const key = await contentKey(a.game, a.model.config, a.model.weights, a.sae ?? null, a.hook, req.games, req.seed);
    const kept = await cachedAtlas(key);
    if (kept) return kept satisfies Results['atlas'];
    const r = { ...(await bench.atlas(req.games, req.seed, progress('feature atlas'))), ms: performance.now() - t0 } satisfies Results['atlas'];
    await storeAtlas(key, r);
    return r;
  }
  throw new Error(`unknown request ${(req as { type: string }).type}`);
}

self.onmessage = (e: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = e.data;
  const run = async () => {
    try {
      post({ id, kind: 'result', result: await handle(id, req) });
    } catch (err) {
      post({ id, kind: 'error', message: (err as Error)?.message ?? String(err) });
    }
  };
  if (req.type === 'load') slow = fast = Promise.all([slow, fast]).then(run);
  else if (req.type === 'atlas') slow = slow.then(run);
  else fast = fast.then(run);
};
