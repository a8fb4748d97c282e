// Shared GPU set-up for tests. There is deliberately no skip path: a test that needs an adapter
// fails when none can be created, so CI cannot go green without exercising the WGSL kernels.
import { createNodeGpuContext, nodeShaderSource } from '../../src/gpu/node';
import { Kernels } from '../../src/gpu/kernels';
import type { GpuContext } from '../../src/gpu/context';

export async function gpuKernels(): Promise<{ ctx: GpuContext; kernels: Kernels }> {
  const ctx = await createNodeGpuContext();
  ctx.device.addEventListener('uncapturederror', (e) => {
    throw new Error(`WebGPU validation error: ${(e as GPUUncapturedErrorEvent).error.message}`);
  });
  return { ctx, kernels: new Kernels(ctx, nodeShaderSource) };
}

/** Largest |a - b| / max(1, |b|) — relative error with an absolute floor near zero. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Records the worst error per suite so the closing report can quote it. */
export const errorLog: Array<[string, number]> = [];
