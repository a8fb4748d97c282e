// Step builders for the training kernels of shaders/backward.wgsl (see its header for bindings).
import type { AdamWConfig } from '../train/cpu-backward';
import { attentionOperands, headBatch, type Operand } from './attention-layout';
import { grid, type Kernels, type Step } from './kernels';

const groups64 = (n: number) => grid(Math.ceil(n / 64));
const f32bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

export function geluBackward(k: Kernels, pre: GPUBuffer, dOut: GPUBuffer, dPre: GPUBuffer, n: number, exact: boolean): Step {
  return k.step('gelu_backward', k.pipeline('backward', 'gelu_backward', { MODE: exact ? 1 : 2 }), k.uniform([n, 0, 0, 0]), [pre, dOut, dPre], groups64(n));
}

/** out[cols] (+)= column sums of x [rows, cols] */
export function colsum(k: Kernels, x: GPUBuffer, out: GPUBuffer, rows: number, cols: number, accumulate = false): Step {
  return k.step('colsum', k.pipeline('backward', 'colsum', accumulate ? { ACCUMULATE: 1 } : {}), k.uniform([rows, cols, 0, 0]), [x, out], groups64(cols));
}

/** dX (+)= LayerNorm backward; stats [rows, 2] receives each row's mean and 1/sigma for layerNormDwDb. */
export function layerNormDx(k: Kernels, x: GPUBuffer, w: GPUBuffer, dY: GPUBuffer, dX: GPUBuffer, stats: GPUBuffer, rows: number, d: number, eps: number, accumulate = false): Step {
  const entry = k.rowPerInvocation ? 'layernorm_dx_rows' : 'layernorm_dx';
  return k.step('layernorm_dx', k.pipeline('backward', entry, accumulate ? { ACCUMULATE: 1 } : {}), k.uniform([rows, d, f32bits(eps), 0]),
    [x, w, dY, dX, stats], k.rowGroups(rows));
}

/** dW += Σ dY·x̂, dB += Σ dY (accumulating, so gradients can be zeroed once per step) */
export function layerNormDwDb(k: Kernels, x: GPUBuffer, dY: GPUBuffer, stats: GPUBuffer, dW: GPUBuffer, dB: GPUBuffer, rows: number, d: number): Step {
  return k.step('layernorm_dwdb', k.pipeline('backward', 'layernorm_dwdb'), k.uniform([rows, d, 0, 0]), [x, dY, stats, dW, dB], groups64(d));
}

/**
 * Attention backward: dQKV [B*T, 3*H*dh] from QKV, the pattern P and dZ; dS [B, T, H, T] is
 * scratch. dP = dZ v^T, then dS = softmax backward (in place), dQ = dS k, dK = dS^T q, dV = P^T dZ.
 */
export function attentionBackward(k: Kernels, qkv: GPUBuffer, pattern: GPUBuffer, dZ: GPUBuffer, dS: GPUBuffer, dQKV: GPUBuffer, B: number, T: number, H: number, dh: number): Step[] {
  const o = attentionOperands(T, H, dh);
  const batch = (a: Operand, b: Operand, c: Operand) => headBatch(B, H, a, b, c);
  return [
    k.matmulEx(dZ, qkv, dS, T, dh, T, { transB: true, batch: batch(o.z, o.v, o.pattern), label: 'attention_dp' }),
    k.step('attention_softmax_backward', k.pipeline('backward', 'attention_softmax_backward'), k.uniform([B, T, H, dh]), [pattern, dS], groups64(B * T * H)),
    k.matmulEx(dS, qkv, dQKV, T, T, dh, { batch: batch(o.pattern, o.k, o.q), label: 'attention_dq' }),
    k.matmulEx(dS, qkv, dQKV, T, T, dh, { transA: true, batch: batch(o.pattern, o.q, o.k), label: 'attention_dk' }),
    k.matmulEx(pattern, dZ, dQKV, T, T, dh, { transA: true, batch: batch(o.pattern, o.z, o.v), label: 'attention_dv' }),
  ];
}

export function embedBackward(k: Kernels, tokens: GPUBuffer, dResid: GPUBuffer, dWE: GPUBuffer, dWpos: GPUBuffer, rows: number, T: number, d: number, V: number): Step {
  return k.step('embed_backward', k.pipeline('backward', 'embed_backward'), k.uniform([rows, T, d, V]), [tokens, dResid, dWE, dWpos], groups64((V + T) * d));
}

/**
 * Targets are u32 with 0xffffffff = ignored; `count` = number of non-ignored rows (the mean's
 * divisor). Pass `uniform` to own the {rows, V, count} uniform and rewrite the count per batch.
 */
export function crossEntropy(k: Kernels, logits: GPUBuffer, targets: GPUBuffer, dLogits: GPUBuffer, loss: GPUBuffer, rows: number, V: number, count: number, uniform?: GPUBuffer): Step {
  return k.step('cross_entropy', k.pipeline('backward', 'cross_entropy'), uniform ?? k.uniform([rows, V, count, 0]), [logits, targets, dLogits, loss], groups64(rows));
}

export const IGNORE_TARGET = 0xffffffff;

export function geluForward(k: Kernels, x: GPUBuffer, out: GPUBuffer, n: number, exact: boolean): Step {
  return k.step('gelu_forward', k.pipeline('backward', 'gelu_forward', { MODE: exact ? 1 : 2 }), k.uniform([n, 0, 0, 0]), [x, out], groups64(n));
}

/** partial[slot] = Σ x² over n values (one workgroup). */
export function sumSquares(k: Kernels, x: GPUBuffer, partial: GPUBuffer, n: number, slot: number): Step {
  return k.step('sumsq', k.pipeline('backward', 'sumsq'), k.uniform([n, slot, 0, 0]), [x, partial], [1, 1, 1]);
}

/** scale[0] = min(1, maxNorm / ‖g‖) from the per-buffer partial sums of squares; scale[1] = ‖g‖. */
export function clipScale(k: Kernels, partial: GPUBuffer, scale: GPUBuffer, slots: number, maxNorm: number): Step {
  return k.step('clip_scale', k.pipeline('backward', 'clip_scale'), k.uniform([slots, f32bits(maxNorm), 0, 0]), [partial, scale], [1, 1, 1]);
}

/**
 * AdamW step on gradients scaled by scale[0] (gradient clipping); call `setStep` before each
 * dispatch to update the learning rate and bias corrections.
 */
export function adamW(k: Kernels, param: GPUBuffer, grad: GPUBuffer, m: GPUBuffer, v: GPUBuffer, scale: GPUBuffer, n: number, decay: boolean) {
  const u = k.uniform(new Array(8).fill(0));
  const step = k.step('adamw', k.pipeline('backward', 'adamw'), u, [param, grad, m, v, scale], groups64(n));
  const setStep = (t: number, c: AdamWConfig) =>
    k.writeUniform(u, [n, c.lr, c.beta1, c.beta2, c.eps, decay ? c.weightDecay : 0, 1 - c.beta1 ** t, 1 - c.beta2 ** t], [1, 2, 3, 4, 5, 6, 7]);
  return { step, setStep };
}
