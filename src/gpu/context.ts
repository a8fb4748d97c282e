// WebGPU device setup shared by the browser and Node (Dawn). The adapter's own limits are requested
// (the defaults are smaller, e.g. 128 MiB storage bindings are needed for the 8-layer models).

export interface GpuContext {
  device: GPUDevice;
  /** human-readable adapter description, e.g. "mesa llvmpipe (LLVM 19.1.7, 256 bits)" */
  adapterName: string;
  hasF16: boolean;
  /** the adapter runs on the CPU (lavapipe, SwiftShader); kernels pick CPU-tuned variants then */
  cpuAdapter?: boolean;
  /** the device has the WGSL `subgroups` feature, with subgroups of at most this many lanes */
  subgroups?: { maxSize: number };
  /** resolves when the device is lost (destroyed or a driver failure) */
  lost: Promise<GPUDeviceLostInfo>;
  /** the GPU entry point; Dawn in Node tears the device down if this object is garbage-collected */
  gpu: GPU;
}

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return [...new Set(parts)].join(' ') || 'unknown adapter';
}

export async function createGpuContext(gpu: GPU | undefined, adapterOptions: GPURequestAdapterOptions = {}): Promise<GpuContext> {
  if (!gpu) throw new GpuUnavailableError('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new GpuUnavailableError('WebGPU is present but no GPU adapter could be created');
  const requiredLimits: Record<string, number> = {};
  for (const key of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'] as const) {
    const v = adapter.limits[key];
    if (typeof v === 'number') requiredLimits[key] = v;
  }
  const hasF16 = adapter.features.has('shader-f16');
  const hasSubgroups = adapter.features.has('subgroups');
  const requiredFeatures: GPUFeatureName[] = [];
  if (hasF16) requiredFeatures.push('shader-f16');
  if (hasSubgroups) requiredFeatures.push('subgroups');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info as GPUAdapterInfo & { subgroupMaxSize?: number; isFallbackAdapter?: boolean };
  const subgroups = hasSubgroups && info.subgroupMaxSize ? { maxSize: info.subgroupMaxSize } : undefined;
  const cpuAdapter = info.isFallbackAdapter === true || info.architecture === 'software' || /swiftshader|llvmpipe/i.test(info.description ?? '');
  return { device, adapterName: describeAdapter(adapter.info), hasF16, cpuAdapter, subgroups, lost: device.lost, gpu };
}
