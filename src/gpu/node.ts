// Node-only WebGPU: Dawn through the npm package `webgpu`. Kept out of browser bundles.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { create, globals } from 'webgpu';
import { createGpuContext, type GpuContext } from './context';
import type { ShaderSource } from './kernels';

let installed = false;

/** Creates a Dawn-backed GPU context (Vulkan: lavapipe on CPU-only machines). */
export async function createNodeGpuContext(): Promise<GpuContext> {
  if (!installed) {
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ... as in a browser
    installed = true;
  }
  const flags = process.env.DAWN_FLAGS ? process.env.DAWN_FLAGS.split(',') : [];
  return createGpuContext(create(flags));
}

const shaderDir = fileURLToPath(new URL('../../shaders/', import.meta.url));

/** Reads shaders/*.wgsl from disk. */
export const nodeShaderSource: ShaderSource = (name) => readFileSync(`${shaderDir}${name}.wgsl`, 'utf8');
