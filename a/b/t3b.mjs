// src/gpu/node.ts
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { create, globals } from "webgpu";

// src/gpu/context.ts
var GpuUnavailableError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "GpuUnavailableError";
  }
};
function describeAdapter(info) {
  if (!info) return "unknown adapter";
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return [...new Set(parts)].join(" ") || "unknown adapter";
}
async function createGpuContext(gpu, adapterOptions = {}) {
  if (!gpu) throw new GpuUnavailableError("WebGPU is not available here (no navigator.gpu)");
  const adapter = await gpu.requestAdapter(adapterOptions);
  if (!adapter) throw new GpuUnavailableError("WebGPU is present but no GPU adapter could be created");
  const requiredLimits = {};
  for (const key of [
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupSizeY",
    "maxComputeWorkgroupsPerDimension",
    "maxStorageBuffersPerShaderStage"
  ]) {
    const v = adapter.limits[key];
    if (typeof v === "number") requiredLimits[key] = v;
  }
  const hasF16 = adapter.features.has("shader-f16");
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: hasF16 ? ["shader-f16"] : [] });
  return { device, adapterName: describeAdapter(adapter.info), hasF16, lost: device.lost };
}

// src/gpu/node.ts
var installed = false;
async function createNodeGpuContext() {
  if (!installed) {
    Object.assign(globalThis, globals);
    installed = true;
  }
  const flags = process.env.DAWN_FLAGS ? process.env.DAWN_FLAGS.split(",") : [];
  return createGpuContext(create(flags));
}
var shaderDir = fileURLToPath(new URL("../../shaders/", import.meta.url));
var nodeShaderSource = (name) => readFileSync(`${shaderDir}${name}.wgsl`, "utf8");

// src/gpu/kernels.ts
var MAX_GROUPS = 65535;
function grid(n) {
  const x = Math.max(1, Math.min(n, MAX_GROUPS));
  return [x, Math.ceil(n / x), 1];
}
var Kernels = class {
  constructor(ctx2, source, options = {}) {
    this.ctx = ctx2;
    this.source = source;
    this.device = ctx2.device;
    this.matmulWorkgroup = options.matmulWorkgroup ?? [8, 8];
  }
  ctx;
  source;
  sources = /* @__PURE__ */ new Map();
  pipelines = /* @__PURE__ */ new Map();
  device;
  matmulWorkgroup;
  pipeline(shader, entry, constants = {}) {
    const key = `${shader}:${entry}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ label: shader, code: this.sourceText(shader) });
      p = this.device.createComputePipeline({ label: key, layout: "auto", compute: { module, entryPoint: entry, constants } });
      this.pipelines.set(key, p);
    }
    return p;
  }
  sourceText(shader) {
    let text = this.sources.get(shader);
    if (text === void 0) {
      text = this.source(shader);
      this.sources.set(shader, text);
    }
    return text;
  }
  /** A 16-byte uniform of four 32-bit words; `floats` marks which words are f32 rather than u32. */
  uniform(words, floats = []) {
    const data = new ArrayBuffer(16);
    const u = new Uint32Array(data), f = new Float32Array(data);
    words.forEach((w, i) => {
      if (floats.includes(i)) f[i] = w;
      else u[i] = w;
    });
    const buffer = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, u);
    return buffer;
  }
  step(label, pipeline, uniform, buffers, workgroups) {
    const entries = [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    return { label, pipeline, bindGroup: this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), workgroups };
  }
  /** C[M, N] = act(A[M, K] @ B[K, N] + bias[N]) */
  matmul(A, B, bias, C, M, K, N, act = 0) {
    const [wx, wy] = this.matmulWorkgroup;
    const pipeline = this.pipeline("matmul", "main", { ACT: act, WG_X: wx, WG_Y: wy });
    return this.step(
      "matmul",
      pipeline,
      this.uniform([M, N, K, 0]),
      [A, B, bias, C],
      [Math.ceil(N / (4 * wx)), Math.ceil(M / (4 * wy)), 1]
    );
  }
  layerNorm(X, w, b, Y, rows, d, eps) {
    return this.step("layernorm", this.pipeline("layernorm", "main"), this.uniform([rows, d, eps, 0], [2]), [X, w, b, Y], grid(rows));
  }
  attention(QKV, P, Z, B, T, H, dh) {
    return this.step("attention", this.pipeline("attention", "main"), this.uniform([B, T, H, dh]), [QKV, P, Z], grid(Math.ceil(B * T * H / 64)));
  }
  embed(tokens, WE, Wpos, EMB, POS, RESID, rows, T, d) {
    return this.step(
      "embed",
      this.pipeline("elementwise", "embed"),
      this.uniform([rows, T, d, 0]),
      [tokens, WE, Wpos, EMB, POS, RESID],
      grid(Math.ceil(rows * d / 64))
    );
  }
  add(X, Y, OUT, n) {
    return this.step("add", this.pipeline("elementwise", "add"), this.uniform([n, 0, 0, 0]), [X, Y, OUT], grid(Math.ceil(n / 64)));
  }
  subBias(X, bias, OUT, N, d) {
    return this.step("sae.sub_bias", this.pipeline("sae", "sub_bias"), this.uniform([N, d, 0, 0]), [X, bias, OUT], grid(Math.ceil(N * d / 64)));
  }
  saeActivate(PRE, aux, N, F, mode) {
    return this.step(
      "sae.activate",
      this.pipeline("sae", "activate", { MODE: mode }),
      this.uniform([N, F, 0, 0]),
      [PRE, ...aux],
      grid(Math.ceil(N * F / 64))
    );
  }
  topk(PRE, ACTS, N, F, k2) {
    return this.step("sae.topk", this.pipeline("sae", "topk"), this.uniform([N, F, k2, 0]), [PRE, ACTS], grid(N));
  }
  sqError(X, R, ERR, N, d) {
    return this.step("sae.sq_error", this.pipeline("sae", "sq_error"), this.uniform([N, d, 0, 0]), [X, R, ERR], grid(N));
  }
};
var isStep = (op) => "pipeline" in op;
function encodePlan(encoder, ops, copies = /* @__PURE__ */ new Map()) {
  let pass = null;
  for (const op of ops) {
    if (isStep(op)) {
      pass ??= encoder.beginComputePass();
      pass.setPipeline(op.pipeline);
      pass.setBindGroup(0, op.bindGroup);
      pass.dispatchWorkgroups(...op.workgroups);
    } else {
      const dst = copies.get(op.hook);
      if (!dst) continue;
      pass?.end();
      pass = null;
      encoder.copyBufferToBuffer(op.buffer, 0, dst, 0, op.bytes);
    }
  }
  pass?.end();
}
async function runSteps(device, steps) {
  const enc = device.createCommandEncoder();
  encodePlan(enc, steps);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}

// src/gpu/buffers.ts
var STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
function emptyBuffer(device, bytes, label) {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: STORAGE() });
}
function dataBuffer(device, data, label) {
  const buffer = device.createBuffer({ label, size: Math.max(16, data.byteLength), usage: STORAGE(), mappedAtCreation: true });
  const view = data instanceof Float32Array ? new Float32Array(buffer.getMappedRange()) : new Uint32Array(buffer.getMappedRange());
  view.set(data);
  buffer.unmap();
  return buffer;
}
function readbackBuffer(device, bytes, label) {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
}
async function readFloats(buffer, count) {
  await buffer.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(buffer.getMappedRange(), 0, count).slice();
  buffer.unmap();
  return out;
}
async function downloadFloats(device, src, count) {
  const rb = readbackBuffer(device, count * 4);
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, rb, 0, count * 4);
  device.queue.submit([enc.finish()]);
  const out = await readFloats(rb, count);
  rb.destroy();
  return out;
}

// t3.ts
var ctx = await createNodeGpuContext();
var k = new Kernels(ctx, nodeShaderSource);
for (let i = 0; i < 30; i++) {
  const a = dataBuffer(ctx.device, new Float32Array([1, 2, 3, 4]));
  const C = emptyBuffer(ctx.device, 16);
  const s = k.matmul(a, a, a, C, 2, 2, 2, 2);
  await runSteps(ctx.device, [s]);
  await downloadFloats(ctx.device, C, 4);
}
console.log("ok");
ctx.device.destroy();
