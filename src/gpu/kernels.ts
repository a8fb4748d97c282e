// Pipeline cache and one builder per kernel. A builder returns a Step (pipeline + bind group +
// workgroup counts) whose uniform buffer is created once, so plans built from steps are reused
// across calls without re-creating anything.
import { attentionOperands, headBatch } from './attention-layout';
import type { GpuContext } from './context';

export type ShaderSource = (name: string) => string;

export interface Step {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
}

/** A point in a plan where a buffer holds a named activation that may be copied out. */
export interface HookPoint {
  hook: string;
  buffer: GPUBuffer;
  bytes: number;
}

export type PlanOp = Step | HookPoint;

export const ACT = { none: 0, geluExact: 1, geluTanh: 2 } as const;
export const SAE_MODE = { relu: 0, jumprelu: 1, gated: 2 } as const;

const MAX_GROUPS = 65535;

/** Spreads n workgroups over (x, y) so that no dimension exceeds the 65535 limit. */
export function grid(n: number): [number, number, number] {
  const x = Math.max(1, Math.min(n, MAX_GROUPS));
  return [x, Math.ceil(n / x), 1];
}

export interface KernelOptions {
  /** invocations per matmul workgroup (each computes MATMUL_ROWS rows x 4 columns) */
  matmulLanes?: number;
  /** matmul_subgroup.wgsl instead of matmul.wgsl; default: where GpuContext.subgroups says it is safe and faster */
  subgroupMatmul?: boolean;
  /** row kernels with an invocation per row instead of a workgroup per row; default: on CPU adapters */
  rowPerInvocation?: boolean;
}

/**
 * Strided batch for matmulEx. Each operand's triple [base, outerStride, innerStride] places
 * matrix z (0 <= z < count) at base + floor(z / inner) * outerStride + (z % inner) * innerStride
 * elements; ldX are the row strides. Attention uses z = sequence * heads + head.
 */
export interface MatmulBatch {
  count: number;
  inner: number;
  a: [number, number, number];
  b: [number, number, number];
  c: [number, number, number];
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** Rows of C per matmul workgroup (ROWS in matmul.wgsl). */
export const MATMUL_ROWS = 16;
const MAX_ROW_GROUPS = 65535;

export class Kernels {
  private modules = new Map<string, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();
  readonly device: GPUDevice;
  readonly matmulLanes: number;
  readonly subgroupMatmul: boolean;

  constructor(readonly ctx: GpuContext, private readonly source: ShaderSource, private readonly options: KernelOptions = {}) {
    this.device = ctx.device;
    this.matmulLanes = options.matmulLanes ?? 32;
    // Measured faster only on CPU adapters (see the shader's header); the shuffle needs every lane
    // of a subgroup inside one workgroup, hence the size check.
    const sg = ctx.subgroups;
    const safe = sg !== undefined && sg.maxSize <= this.matmulLanes && this.matmulLanes % sg.maxSize === 0;
    if (options.subgroupMatmul && !safe) throw new Error('subgroup matmul needs the subgroups feature with subgroups no wider than the matmul workgroup');
    this.subgroupMatmul = options.subgroupMatmul ?? (safe && ctx.cpuAdapter === true);
  }

  pipeline(shader: string, entry: string, constants: Record<string, number> = {}): GPUComputePipeline {
    const key = `${shader}:${entry}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      let module = this.modules.get(shader);
      if (!module) {
        module = this.device.createShaderModule({ label: shader, code: resolveIncludes(this.source, shader) });
        this.modules.set(shader, module);
      }
      p = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: entry, constants } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** A uniform of 32-bit words (padded to 16 bytes); `floats` marks which words are f32 rather than u32. */
  uniform(words: number[], floats: number[] = []): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.ceil(words.length / 4) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.writeUniform(buffer, words, floats);
    return buffer;
  }

  writeUniform(buffer: GPUBuffer, words: number[], floats: number[] = []): void {
    const data = new ArrayBuffer(Math.ceil(words.length / 4) * 16);
    const u = new Uint32Array(data), f = new Float32Array(data);
    words.forEach((w, i) => { if (floats.includes(i)) f[i] = w; else u[i] = w; });
    this.device.queue.writeBuffer(buffer, 0, u);
  }

  step(label: string, pipeline: GPUComputePipeline, uniform: GPUBuffer, buffers: GPUBuffer[], workgroups: [number, number, number]): Step {
    const entries = [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    return { label, pipeline, bindGroup: this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), workgroups };
  }

  /** C[M, N] = act(A[M, K] @ B[K, N] + bias[N]) */
  matmul(A: GPUBuffer, B: GPUBuffer, bias: GPUBuffer, C: GPUBuffer, M: number, K: number, N: number, act = 0): Step {
    return this.matmulEx(A, B, C, M, K, N, { bias, act });
  }

  /**
   * The general form: C[M, N] (+)= act(op(A) @ op(B) + bias) where op(A) is A [M, K] or, with
   * transA, A stored [K, M] read transposed; likewise transB reads B stored [N, K]. With `batch`,
   * one dispatch multiplies `batch.count` matrices laid out with strides (see MatmulBatch).
   */
  matmulEx(A: GPUBuffer, B: GPUBuffer, C: GPUBuffer, M: number, K: number, N: number,
    o: { bias?: GPUBuffer; act?: number; transA?: boolean; transB?: boolean; accumulate?: boolean; batch?: MatmulBatch; label?: string } = {}): Step {
    const lanes = this.lanesFor(N);
    if (Math.ceil(M / MATMUL_ROWS) > MAX_ROW_GROUPS) throw new Error(`matmul with ${M} rows exceeds the dispatch limit (${MATMUL_ROWS * MAX_ROW_GROUPS})`);
    const constants: Record<string, number> = { ACT: o.act ?? 0, LANES: lanes };
    // Only set what differs from the shader's defaults, so the inference pipelines stay as they were.
    if (o.transA) constants.TRANS_A = 1;
    if (o.transB) constants.TRANS_B = 1;
    if (!o.bias) constants.HAS_BIAS = 0;
    if (o.accumulate) constants.ACCUMULATE = 1;
    const bt = o.batch;
    const ld = [bt?.lda ?? (o.transA ? M : K), bt?.ldb ?? (o.transB ? K : N), bt?.ldc ?? N];
    const start = (x?: [number, number, number]) => [...(x ?? [0, 0, 0]), 0];
    // Whole vec4s of B where the layout allows: one load per 4 columns (faster on lavapipe).
    const bAligned = [ld[1], ...(bt?.b ?? [])].every((x) => x % 4 === 0);
    const vec4 = !o.transB && N % 4 === 0 && bAligned;
    const pipeline = this.pipeline(this.subgroupMatmul ? 'matmul_subgroup' : 'matmul', vec4 ? 'main_vec4' : 'main', constants);
    const bias = o.bias ?? this.dummy();
    const uniform = this.uniform([M, N, K, bt?.inner ?? 1, ...ld, 0, ...start(bt?.a), ...start(bt?.b), ...start(bt?.c)]);
    return this.step(o.label ?? 'matmul', pipeline, uniform, [A, B, bias, C],
      [Math.ceil(N / (4 * lanes)), Math.ceil(M / MATMUL_ROWS), bt?.count ?? 1]);
  }

  /**
   * Workgroup width for a matmul with N columns: narrower than matmulLanes when N is small (an
   * attention head's 32 columns would otherwise leave 3/4 of the lanes idle), never below a
   * subgroup, so the subgroup variant stays valid.
   */
  private lanesFor(N: number): number {
    const floor = this.subgroupMatmul ? this.ctx.subgroups!.maxSize : 8;
    let lanes = this.matmulLanes;
    while (lanes / 2 >= floor && 4 * (lanes / 2) >= N) lanes /= 2;
    return lanes;
  }

  private dummyBuffer?: GPUBuffer;
  /** A small buffer for bindings a pipeline variant never reads. */
  dummy(): GPUBuffer {
    this.dummyBuffer ??= this.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    return this.dummyBuffer;
  }

  /**
   * Row kernels (LayerNorm and its backward) come in two layouts: a workgroup per row with a tree
   * reduction (GPUs), or an invocation per row without barriers (CPU adapters: on lavapipe,
   * 4096 rows of 128, 22 ms vs 2.3 ms).
   */
  get rowPerInvocation(): boolean {
    return this.options.rowPerInvocation ?? this.ctx.cpuAdapter === true;
  }

  /** Workgroups for a row kernel in the layout above. */
  rowGroups(rows: number): [number, number, number] {
    return grid(this.rowPerInvocation ? Math.ceil(rows / 64) : rows);
  }

  layerNorm(X: GPUBuffer, w: GPUBuffer, b: GPUBuffer, Y: GPUBuffer, rows: number, d: number, eps: number): Step {
    const entry = this.rowPerInvocation ? 'main_rows' : 'main';
    return this.step('layernorm', this.pipeline('layernorm', entry), this.uniform([rows, d, eps, 0], [2]), [X, w, b, Y], this.rowGroups(rows));
  }

  /**
   * Causal multi-head attention: Z [B*T, H*dh] from QKV [B*T, 3*H*dh]; P [B, T, H, T] receives the
   * pattern. Scores and Z are batched matmuls over (sequence, head); see attention.wgsl.
   */
  attention(QKV: GPUBuffer, P: GPUBuffer, Z: GPUBuffer, B: number, T: number, H: number, dh: number): Step[] {
    const o = attentionOperands(T, H, dh);
    return [
      this.matmulEx(QKV, QKV, P, T, dh, T, { transB: true, batch: headBatch(B, H, o.q, o.k, o.pattern), label: 'attention_scores' }),
      this.step('attention_softmax', this.pipeline('attention', 'attention_softmax'), this.uniform([B, T, H, dh]), [P], grid(Math.ceil((B * T * H) / 64))),
      this.matmulEx(P, QKV, Z, T, T, dh, { batch: headBatch(B, H, o.pattern, o.v, o.z), label: 'attention_values' }),
    ];
  }


  embed(tokens: GPUBuffer, WE: GPUBuffer, Wpos: GPUBuffer, EMB: GPUBuffer, POS: GPUBuffer, RESID: GPUBuffer, rows: number, T: number, d: number): Step {
    return this.step('embed', this.pipeline('elementwise', 'embed'), this.uniform([rows, T, d, 0]), [tokens, WE, Wpos, EMB, POS, RESID],
      grid(Math.ceil((rows * d) / 64)));
  }

  add(X: GPUBuffer, Y: GPUBuffer, OUT: GPUBuffer, n: number): Step {
    return this.step('add', this.pipeline('elementwise', 'add'), this.uniform([n, 0, 0, 0]), [X, Y, OUT], grid(Math.ceil(n / 64)));
  }

  subBias(X: GPUBuffer, bias: GPUBuffer, OUT: GPUBuffer, N: number, d: number): Step {
    return this.step('sae.sub_bias', this.pipeline('sae', 'sub_bias'), this.uniform([N, d, 0, 0]), [X, bias, OUT], grid(Math.ceil((N * d) / 64)));
  }

  saeActivate(PRE: GPUBuffer, aux: [GPUBuffer, GPUBuffer, GPUBuffer], N: number, F: number, mode: number): Step {
    return this.step('sae.activate', this.pipeline('sae', 'activate', { MODE: mode }), this.uniform([N, F, 0, 0]), [PRE, ...aux],
      grid(Math.ceil((N * F) / 64)));
  }

  topk(PRE: GPUBuffer, ACTS: GPUBuffer, N: number, F: number, k: number): Step {
    return this.step('sae.topk', this.pipeline('sae', 'topk'), this.uniform([N, F, k, 0]), [PRE, ACTS], grid(N));
  }

  sqError(X: GPUBuffer, R: GPUBuffer, ERR: GPUBuffer, N: number, d: number): Step {
    return this.step('sae.sq_error', this.pipeline('sae', 'sq_error'), this.uniform([N, d, 0, 0]), [X, R, ERR], grid(N));
  }
}

/** Replaces each `// #include "name"` line with shaders/name.wgsl (once per module; WGSL has no includes). */
export function resolveIncludes(source: ShaderSource, name: string, seen = new Set<string>()): string {
  seen.add(name);
  return source(name).replace(/^\/\/ #include "(\w+)"$/gm, (_, inc: string) => (seen.has(inc) ? '' : resolveIncludes(source, inc, seen)));
}

const isStep = (op: PlanOp): op is Step => 'pipeline' in op;

/**
 * Records a plan into one command encoder: consecutive steps share a compute pass; at a hook point
 * whose name is in `copies`, the pass is closed and the buffer copied to its readback buffer.
 */
export function encodePlan(encoder: GPUCommandEncoder, ops: PlanOp[], copies: Map<string, GPUBuffer> = new Map()): void {
  let pass: GPUComputePassEncoder | null = null;
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

/** Runs steps once in their own command buffer and waits for the queue (for one-off kernels and tests). */
export async function runSteps(device: GPUDevice, steps: Step[]): Promise<void> {
  const enc = device.createCommandEncoder();
  encodePlan(enc, steps);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}
