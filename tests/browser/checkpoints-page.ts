// Runs in Chromium: opens a user's model (and SAE) files with the worker's own loaders (format by
// content, architecture from the files, TransformerLens processing from the SAE's lm_name) and runs
// them with the WGSL forward and SAE on navigator.gpu. The test hands the files in and compares the
// results with the fixtures' expected outputs.
import { modelFromFiles } from '../../src/app/worker/assets';
import { browserShaderSource, createBrowserGpuContext } from '../../src/gpu/browser';
import { Kernels } from '../../src/gpu/kernels';
import { GpuModel } from '../../src/gpu/model-runner';
import { GpuSae } from '../../src/gpu/sae-runner';
import { processWeights } from '../../src/model/process-weights';
import type { Model } from '../../src/model/weights';
import { loadSaeFiles, saeHookFor } from '../../src/sae/formats';
import { residualConventionOf } from '../../src/sae/types';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;

interface Run { model: Record<string, string>; nHeads?: number; sae?: Record<string, string>; tokens: number[] }

async function run(r: Run) {
  const ctx = await createBrowserGpuContext();
  try {
    const kernels = new Kernels(ctx, browserShaderSource);
    const files = Object.fromEntries(Object.entries(r.model).map(([k, v]) => [k, bytes(v)]));
    const t0 = performance.now();
    let model: Model = modelFromFiles('model', files, r.nHeads);
    const openMs = performance.now() - t0;
    const sae = r.sae ? loadSaeFiles(new Map(Object.entries(r.sae).map(([k, v]) => [k, new Uint8Array(bytes(v))]))) : undefined;
    const residual = sae ? residualConventionOf(sae) ?? 'raw' : 'raw';
    if (residual === 'centred') model = processWeights(model);
    const hooks = ['blocks.0.hook_resid_post', 'blocks.1.hook_resid_post'];
    const gpu = new GpuModel(kernels, model);
    const out = await gpu.forward([r.tokens], hooks);
    gpu.destroy();
    const result: Record<string, unknown> = { adapter: ctx.adapterName, openMs, residual, logits: Array.from(out.logits[0]), resid0: Array.from(out.hooks.get(hooks[0])![0]), resid1: Array.from(out.hooks.get(hooks[1])![0]) };
    if (sae) {
      const hook = saeHookFor(sae, model.config)!;
      const x = out.hooks.get(hook)![0];
      const s = await new GpuSae(kernels, sae).run(x, r.tokens.length);
      Object.assign(result, { hook, acts: Array.from(s.acts), recon: Array.from(s.recon) });
    }
    return result;
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    ctx.device.destroy();
  }
}

(window as unknown as { __run: typeof run }).__run = run;
