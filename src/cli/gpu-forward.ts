// The WebGPU path of `forward`, loaded only when asked for so `--backend cpu` never touches Dawn.
import { createNodeGpuContext, nodeShaderSource } from '../gpu/node';
import { Kernels } from '../gpu/kernels';
import { GpuModel } from '../gpu/model-runner';
import { GpuSae } from '../gpu/sae-runner';
import type { Model } from '../model/weights';
import type { Sae } from '../sae/types';
import { UsageError } from './args';

export async function runOnGpu(model: Model, tokens: number[], names: string[], sae?: Sae, saeHook?: string) {
  let ctx;
  try {
    ctx = await createNodeGpuContext();
  } catch (e) {
    throw new UsageError(`WebGPU is unavailable (${(e as Error).message}); use --backend cpu`);
  }
  try {
    const kernels = new Kernels(ctx, nodeShaderSource);
    const gpuModel = new GpuModel(kernels, model);
    const r = await gpuModel.forward([tokens], names);
    const hooks = new Map([...r.hooks].map(([k, v]) => [k, v[0]]));
    let saeOut;
    if (sae && saeHook) saeOut = await new GpuSae(kernels, sae).run(hooks.get(saeHook)!, tokens.length);
    return { logits: r.logits[0], hooks, saeOut, device: `WebGPU: ${ctx.adapterName}` };
  } finally {
    ctx.device.destroy();
  }
}
