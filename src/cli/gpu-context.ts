// Creates the Node GPU context for a command, turning "no adapter" into a user-facing error, and
// always destroys the device so the process can exit.
import { createNodeGpuContext, nodeShaderSource } from '../gpu/node';
import { Kernels } from '../gpu/kernels';
import { UsageError } from './args';

export async function withNodeGpu<T>(fn: (kernels: Kernels, adapterName: string) => Promise<T>): Promise<T> {
  let ctx;
  try {
    ctx = await createNodeGpuContext();
  } catch (e) {
    throw new UsageError(`WebGPU is unavailable (${(e as Error).message})`);
  }
  try {
    return await fn(new Kernels(ctx, nodeShaderSource), ctx.adapterName);
  } finally {
    ctx.device.destroy();
  }
}
