// CPU reference for one SAE training step's loss and gradients, the ground truth for the WGSL SAE
// trainer. Loss = mean_batch ‖x - x̂‖² + coef · mean_batch Σ_f f^p (p = 1: L1; p < 1: the
// p-annealing penalty; coef = 0 for TopK, whose sparsity is structural).
import { matmul } from '../model/cpu-ops';
import { saeActivate, saePreActivations } from '../sae/cpu';
import type { Sae } from '../sae/types';

export interface SaeGrads {
  recon: number;
  sparsity: number;
  dWEnc: Float32Array; // [dIn, dSae]
  dBEnc: Float32Array; // [dSae]
  dWDec: Float32Array; // [dSae, dIn]
  dBDec: Float32Array; // [dIn]
}

export function saeLossAndGrads(sae: Sae, x: Float32Array, N: number, coef: number, p: number): SaeGrads {
  const { dIn: d, dSae: F } = sae;
  const f = saeActivate(sae, saePreActivations(sae, x, N), N); // [N, F]
  const xhat = matmul(f, sae.wDec, N, F, d, sae.bDec); // [N, d]
  let recon = 0, sparsity = 0;
  const g = new Float32Array(N * d); // d loss / d x̂
  for (let i = 0; i < N * d; i++) {
    const e = xhat[i] - x[i];
    recon += e * e;
    g[i] = (2 * e) / N;
  }
  const dWDec = new Float32Array(F * d), dBDec = new Float32Array(d), df = new Float32Array(N * F);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < d; i++) dBDec[i] += g[n * d + i];
    for (let j = 0; j < F; j++) {
      const a = f[n * F + j];
      if (a > 0) sparsity += a ** p;
      let s = 0;
      for (let i = 0; i < d; i++) {
        s += g[n * d + i] * sae.wDec[j * d + i];
        if (a !== 0) dWDec[j * d + i] += a * g[n * d + i];
      }
      // Only active features pass gradient (ReLU, and TopK's selection).
      df[n * F + j] = a > 0 ? s + (coef * p * a ** (p - 1)) / N : 0;
    }
  }
  const input = new Float32Array(N * d);
  for (let i = 0; i < N * d; i++) input[i] = x[i] - (sae.subtractDecoderBias ? sae.bDec[i % d] : 0);
  const dWEnc = new Float32Array(d * F), dBEnc = new Float32Array(F);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < F; j++) {
      const gj = df[n * F + j];
      if (gj === 0) continue;
      dBEnc[j] += gj;
      for (let i = 0; i < d; i++) {
        dWEnc[i * F + j] += input[n * d + i] * gj;
        if (sae.subtractDecoderBias) dBDec[i] -= gj * sae.wEnc[i * F + j];
      }
    }
  }
  return { recon: recon / N, sparsity: (coef * sparsity) / N, dWEnc, dBEnc, dWDec, dBDec };
}
