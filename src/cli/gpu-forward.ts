// The WebGPU path of `forward`, loaded only when asked for so `--backend cpu` never touches Dawn.
import { GpuModel } from '../gpu/model-runner';
import { GpuSae } from '../gpu/sae-runner';
import type { Model } from '../model/weights';
import type { Sae } from '../sae/types';
import { withNodeGpu } from './gpu-context';

export async function runOnGpu(model: Model, tokens: number[], names: string[], sae?: Sae, saeHook?: string) {
  return withNodeGpu(async (kernels, adapterName) => {
    const r = await new GpuModel(kernels, model).forward([tokens], names);
    const hooks = new Map([...r.hooks].map(([k, v]) => [k, v[0]]));
    const saeOut = sae && saeHook ? await new GpuSae(kernels, sae).run(hooks.get(saeHook)!, tokens.length) : undefined;
    return { logits: r.logits[0], hooks, saeOut, device: `WebGPU: ${adapterName}` };
  });
}
