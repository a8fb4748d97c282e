// Plain TypeScript reference implementations of every forward kernel. They are the ground truth
// the WGSL kernels are tested against, so they favour clarity over speed.
import type { GeluForm } from './config';

/** C[M, N] = A[M, K] @ B[K, N] (+ bias[N]). i-k-j loop order keeps the inner loop contiguous. */
export function matmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number, bias?: Float32Array): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    const row = i * N;
    if (bias) c.set(bias.subarray(0, N), row);
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k];
      if (aik === 0) continue;
      const bk = k * N;
      for (let j = 0; j < N; j++) c[row + j] += aik * b[bk + j];
    }
  }
  return c;
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below f32 resolution); the WGSL kernel uses the same formula. */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return s * y;
}

/**
 * GELU. 1 + erf (or 1 + tanh) is rounded to float32 as the WGSL kernel computes it: far in the
 * negative tail it is exactly 0 there, and must be here too (in float64 it stays ~1e-8, which made
 * MLP neurons count as firing everywhere on the CPU path: L0 510.99 against 491.44).
 */
export function gelu(x: number, form: GeluForm): number {
  const f = Math.fround;
  if (form === 'exact') return 0.5 * x * f(1 + f(erf(x / Math.SQRT2)));
  return 0.5 * x * f(1 + f(Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
}

export function geluInPlace(a: Float32Array, form: GeluForm): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = gelu(a[i], form);
  return a;
}

/** Mean and 1/sqrt(biased variance + eps) of x[o .. o+d), two-pass for accuracy (LayerNorm forward and backward). */
export function rowStats(x: Float32Array, o: number, d: number, eps: number): { mean: number; inv: number } {
  let mean = 0;
  for (let i = 0; i < d; i++) mean += x[o + i];
  mean /= d;
  let v = 0;
  for (let i = 0; i < d; i++) v += (x[o + i] - mean) ** 2;
  return { mean, inv: 1 / Math.sqrt(v / d + eps) };
}

/** LayerNorm over rows of x [rows, d]: (x - mean) / sqrt(var + eps) * w + b (biased variance). */
export function layerNorm(x: Float32Array, rows: number, d: number, w: Float32Array, b: Float32Array, eps: number): Float32Array {
  const out = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const { mean, inv } = rowStats(x, o, d, eps);
    for (let i = 0; i < d; i++) out[o + i] = (x[o + i] - mean) * inv * w[i] + b[i];
  }
  return out;
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/**
 * Causal multi-head attention core. q, k, v: [T, H*dh] (head h in columns h*dh..). Returns
 * z [T, H*dh] and the pattern [T, H, T] (query, head, key; zero above the diagonal).
 */
export function causalAttention(q: Float32Array, k: Float32Array, v: Float32Array, T: number, H: number, dh: number) {
  const hd = H * dh;
  const z = new Float32Array(T * hd);
  const pattern = new Float32Array(T * H * T);
  const scale = 1 / Math.sqrt(dh);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      const p = pattern.subarray((i * H + h) * T, (i * H + h + 1) * T);
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let e = 0; e < dh; e++) s += q[i * hd + h * dh + e] * k[j * hd + h * dh + e];
        p[j] = s * scale;
        if (p[j] > max) max = p[j];
      }
      let sum = 0;
      for (let j = 0; j <= i; j++) { p[j] = Math.exp(p[j] - max); sum += p[j]; }
      for (let j = 0; j <= i; j++) p[j] /= sum;
      for (let j = 0; j <= i; j++) {
        for (let e = 0; e < dh; e++) z[i * hd + h * dh + e] += p[j] * v[j * hd + h * dh + e];
      }
    }
  }
  return { z, pattern };
}
