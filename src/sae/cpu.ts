// CPU reference SAE encode / decode, the ground truth for the WGSL kernels.
import { matmul } from '../model/cpu-ops';
import type { Sae } from './types';

/** Pre-activations [N, dSae] = (x - bDec?) @ W_enc + bEnc for x [N, dIn]. */
export function saePreActivations(sae: Sae, x: Float32Array, N: number): Float32Array {
  let input = x;
  if (sae.subtractDecoderBias) {
    input = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) input[i] = x[i] - sae.bDec[i % sae.dIn];
  }
  return matmul(input, sae.wEnc, N, sae.dIn, sae.dSae, sae.bEnc);
}

/** Applies the SAE's activation to pre [N, dSae] in place. */
export function saeActivate(sae: Sae, pre: Float32Array, N: number): Float32Array {
  const F = sae.dSae;
  for (let n = 0; n < N; n++) {
    const row = pre.subarray(n * F, (n + 1) * F);
    switch (sae.kind) {
      case 'relu':
        for (let f = 0; f < F; f++) row[f] = Math.max(0, row[f]);
        break;
      case 'jumprelu':
        for (let f = 0; f < F; f++) row[f] = row[f] > sae.threshold![f] && row[f] > 0 ? row[f] : 0;
        break;
      case 'gated':
        for (let f = 0; f < F; f++) {
          const gate = row[f] + sae.bGate![f] > 0;
          row[f] = gate ? Math.max(0, Math.exp(sae.rMag![f]) * row[f] + sae.bMag![f]) : 0;
        }
        break;
      case 'topk':
        topKInPlace(row, sae.k!);
        break;
    }
  }
  return pre;
}

/** Keeps the k largest ReLU'd values of a row (ties go to the lower index), zeroing the rest. */
export function topKInPlace(row: Float32Array, k: number): void {
  const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
  const keep = new Set(order.slice(0, k));
  for (let f = 0; f < row.length; f++) row[f] = keep.has(f) ? Math.max(0, row[f]) : 0;
}

export function saeEncode(sae: Sae, x: Float32Array, N: number): Float32Array {
  return saeActivate(sae, saePreActivations(sae, x, N), N);
}

export function saeDecode(sae: Sae, acts: Float32Array, N: number): Float32Array {
  return matmul(acts, sae.wDec, N, sae.dSae, sae.dIn, sae.bDec);
}

/** Squared reconstruction error ‖x - x̂‖² per row. */
export function reconstructionError(x: Float32Array, recon: Float32Array, N: number, d: number): Float32Array {
  const err = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += (x[n * d + i] - recon[n * d + i]) ** 2;
    err[n] = s;
  }
  return err;
}

export interface SaeOutput {
  acts: Float32Array; // [N, dSae]
  recon: Float32Array; // [N, dIn]
  error: Float32Array; // [N]
}

export function cpuSae(sae: Sae, x: Float32Array, N: number): SaeOutput {
  const acts = saeEncode(sae, x, N);
  const recon = saeDecode(sae, acts, N);
  return { acts, recon, error: reconstructionError(x, recon, N, sae.dIn) };
}
