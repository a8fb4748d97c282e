// Browser WebGPU: navigator.gpu plus the WGSL files bundled by Vite.
import { createGpuContext, type GpuContext } from './context';
import type { ShaderSource } from './kernels';

const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const browserShaderSource: ShaderSource = (name) => {
  const src = files[`../../shaders/${name}.wgsl`];
  if (src === undefined) throw new Error(`no shader named ${name}`);
  return src;
};

export function createBrowserGpuContext(): Promise<GpuContext> {
  return createGpuContext(typeof navigator !== 'undefined' ? navigator.gpu : undefined);
}
