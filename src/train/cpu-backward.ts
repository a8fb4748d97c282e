// Plain TypeScript backward passes for every forward op of the model: the ground truth for the
// WGSL backward kernels, themselves checked against finite differences in the tests.
import { erf, rowStats } from '../model/cpu-ops';
import type { GeluForm } from '../model/config';

/** For C[M, N] = A[M, K] @ B[K, N] + bias: dA = dC Bᵀ [M, K], dB = Aᵀ dC [K, N], dBias = Σ_rows dC [N]. */
export function matmulBackward(a: Float32Array, b: Float32Array, dC: Float32Array, M: number, K: number, N: number) {
  const dA = new Float32Array(M * K), dB = new Float32Array(K * N), dBias = new Float32Array(N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const g = dC[i * N + j];
      if (g === 0) continue;
      dBias[j] += g;
      for (let k = 0; k < K; k++) {
        dA[i * K + k] += g * b[k * N + j];
        dB[k * N + j] += a[i * K + k] * g;
      }
    }
  }
  return { dA, dB, dBias };
}

/** d gelu(x) / dx for both forms. */
export function geluGrad(x: number, form: GeluForm): number {
  if (form === 'exact') {
    return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
  }
  const c = Math.sqrt(2 / Math.PI);
  const u = c * (x + 0.044715 * x * x * x);
  const t = Math.tanh(u);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
}

export function geluBackward(pre: Float32Array, dOut: Float32Array, form: GeluForm): Float32Array {
  const d = new Float32Array(pre.length);
  for (let i = 0; i < pre.length; i++) d[i] = dOut[i] * geluGrad(pre[i], form);
  return d;
}

/** LayerNorm backward over rows of x [rows, d] (biased variance, as in the forward). */
export function layerNormBackward(x: Float32Array, w: Float32Array, dY: Float32Array, rows: number, d: number, eps: number) {
  const dX = new Float32Array(rows * d), dW = new Float32Array(d), dB = new Float32Array(d);
  const xhat = new Float32Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const { mean, inv } = rowStats(x, o, d, eps);
    let sumG = 0, sumGX = 0;
    for (let i = 0; i < d; i++) {
      xhat[i] = (x[o + i] - mean) * inv;
      const g = dY[o + i] * w[i];
      sumG += g;
      sumGX += g * xhat[i];
      dW[i] += dY[o + i] * xhat[i];
      dB[i] += dY[o + i];
    }
    for (let i = 0; i < d; i++) dX[o + i] = inv * (dY[o + i] * w[i] - sumG / d - (xhat[i] * sumGX) / d);
  }
  return { dX, dW, dB };
}

/**
 * Backward of causalAttention for one sequence: q, k, v [T, H*dh], pattern [T, H, T] from the
 * forward, dZ [T, H*dh]. Returns dQ, dK, dV [T, H*dh].
 */
export function causalAttentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, pattern: Float32Array, dZ: Float32Array, T: number, H: number, dh: number) {
  const hd = H * dh, scale = 1 / Math.sqrt(dh);
  const dQ = new Float32Array(T * hd), dK = new Float32Array(T * hd), dV = new Float32Array(T * hd);
  const dP = new Float64Array(T);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      const p = pattern.subarray((i * H + h) * T, (i * H + h + 1) * T);
      let dot = 0;
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let e = 0; e < dh; e++) s += dZ[i * hd + h * dh + e] * v[j * hd + h * dh + e];
        dP[j] = s;
        dot += p[j] * s;
      }
      for (let j = 0; j <= i; j++) {
        const dS = p[j] * (dP[j] - dot) * scale; // softmax backward, then the 1/sqrt(dh) scale
        for (let e = 0; e < dh; e++) {
          dQ[i * hd + h * dh + e] += dS * k[j * hd + h * dh + e];
          dK[j * hd + h * dh + e] += dS * q[i * hd + h * dh + e];
          dV[j * hd + h * dh + e] += p[j] * dZ[i * hd + h * dh + e];
        }
      }
    }
  }
  return { dQ, dK, dV };
}

/** Gradients of the embedding tables from d(resid_pre of block 0) [T, d] for one sequence. */
export function embeddingBackward(tokens: ArrayLike<number>, dResid: Float32Array, V: number, nCtx: number, d: number) {
  const dWE = new Float32Array(V * d), dWpos = new Float32Array(nCtx * d);
  for (let t = 0; t < tokens.length; t++) {
    for (let i = 0; i < d; i++) {
      dWE[tokens[t] * d + i] += dResid[t * d + i];
      dWpos[t * d + i] += dResid[t * d + i];
    }
  }
  return { dWE, dWpos };
}

/**
 * Mean next-token cross-entropy over positions whose target is not `ignore` (Li et al. ignore the
 * padding target), and its gradient with respect to the logits [rows, V].
 */
export function crossEntropy(logits: Float32Array, targets: ArrayLike<number>, V: number, ignore = -1) {
  const rows = targets.length;
  const dLogits = new Float32Array(rows * V);
  let loss = 0, count = 0;
  for (let r = 0; r < rows; r++) if (targets[r] !== ignore) count++;
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignore) continue;
    const o = r * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, logits[o + i]);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[o + i] - max);
    loss += Math.log(sum) + max - logits[o + targets[r]];
    for (let i = 0; i < V; i++) dLogits[o + i] = Math.exp(logits[o + i] - max) / sum / count;
    dLogits[o + targets[r]] -= 1 / count;
  }
  return { loss: count > 0 ? loss / count : 0, dLogits, count };
}

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** One decoupled-weight-decay Adam step (Loshchilov & Hutter, as torch.optim.AdamW), in place; `step` counts from 1. */
export function adamWStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, step: number, c: AdamWConfig, decay = true): void {
  const bc1 = 1 - c.beta1 ** step, bc2 = 1 - c.beta2 ** step;
  for (let i = 0; i < param.length; i++) {
    if (decay) param[i] -= c.lr * c.weightDecay * param[i];
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * grad[i];
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * grad[i] * grad[i];
    param[i] -= (c.lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + c.eps);
  }
}
