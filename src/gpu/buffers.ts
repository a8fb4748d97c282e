// Buffer helpers. WebGPU buffers must be non-empty and sized in multiples of 4 bytes.

export const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export function emptyBuffer(device: GPUDevice, bytes: number, label?: string): GPUBuffer {
  return device.createBuffer({ ...(label ? { label } : {}), size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: STORAGE() });
}

export function dataBuffer(device: GPUDevice, data: Float32Array | Uint32Array, label?: string): GPUBuffer {
  const buffer = device.createBuffer({ ...(label ? { label } : {}), size: Math.max(16, data.byteLength), usage: STORAGE(), mappedAtCreation: true });
  const view = data instanceof Float32Array ? new Float32Array(buffer.getMappedRange()) : new Uint32Array(buffer.getMappedRange());
  view.set(data);
  buffer.unmap();
  return buffer;
}

export function readbackBuffer(device: GPUDevice, bytes: number, label?: string): GPUBuffer {
  return device.createBuffer({ ...(label ? { label } : {}), size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
}

/** Maps a MAP_READ buffer and copies out its first `count` floats. */
export async function readFloats(buffer: GPUBuffer, count: number): Promise<Float32Array> {
  await buffer.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(buffer.getMappedRange(), 0, count).slice();
  buffer.unmap();
  return out;
}

/** Copies a storage buffer to a fresh readback buffer and reads `count` floats (one-off use). */
export async function downloadFloats(device: GPUDevice, src: GPUBuffer, count: number): Promise<Float32Array> {
  const rb = readbackBuffer(device, count * 4);
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, rb, 0, count * 4);
  device.queue.submit([enc.finish()]);
  const out = await readFloats(rb, count);
  rb.destroy();
  return out;
}

/** queue.writeBuffer for any typed array (TypeScript's DOM types reject views of ArrayBufferLike). */
export function writeArray(device: GPUDevice, buffer: GPUBuffer, data: Float32Array | Uint32Array, offsetBytes = 0): void {
  device.queue.writeBuffer(buffer, offsetBytes, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
