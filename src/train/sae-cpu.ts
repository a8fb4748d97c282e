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

export interface GatedGrads {
  recon: number;
  sparsity: number;
  /** the auxiliary reconstruction from the gate alone, through a frozen decoder */
  aux: number;
  dWEnc: Float32Array; // [dIn, dSae]
  dBGate: Float32Array; // [dSae]
  dRMag: Float32Array; // [dSae]
  dBMag: Float32Array; // [dSae]
  dWDec: Float32Array; // [dSae, dIn]
  dBDec: Float32Array; // [dIn]
}

/**
 * Gated SAE (spec 4.1): z = (x - b_dec) W_enc; gate 1[z + b_gate > 0]; magnitude
 * ReLU(exp(r_mag) z + b_mag); f = gate * magnitude; x_hat = f W_dec + b_dec. Loss = mean ‖x - x_hat‖²
 * + coef · mean Σ ReLU(z + b_gate)^p + mean ‖x - (ReLU(z + b_gate) W_dec + b_dec)‖² with W_dec and
 * b_dec frozen in the last term (they still get its gradient through z, via b_dec's subtraction).
 * `frozen` is the decoder the auxiliary term sees (the same values; a copy lets tests perturb the live one).
 */
export function gatedLossAndGrads(sae: Sae, x: Float32Array, N: number, coef: number, p: number,
  frozen: { wDec: Float32Array; bDec: Float32Array } = sae): GatedGrads {
  const { dIn: d, dSae: F } = sae;
  const bGate = sae.bGate!, rMag = sae.rMag!, bMag = sae.bMag!;
  const xin = new Float32Array(N * d);
  for (let i = 0; i < N * d; i++) xin[i] = x[i] - sae.bDec[i % d];
  const z = matmul(xin, sae.wEnc, N, d, F);
  const f = new Float32Array(N * F), fg = new Float32Array(N * F);
  for (let i = 0; i < N * F; i++) {
    const j = i % F, pg = z[i] + bGate[j];
    fg[i] = Math.max(0, pg);
    f[i] = pg > 0 ? Math.max(0, Math.exp(rMag[j]) * z[i] + bMag[j]) : 0;
  }
  const xhat = matmul(f, sae.wDec, N, F, d, sae.bDec), xaux = matmul(fg, frozen.wDec, N, F, d, frozen.bDec);
  let recon = 0, aux = 0, sparsity = 0;
  const g = new Float32Array(N * d), gaux = new Float32Array(N * d);
  for (let i = 0; i < N * d; i++) {
    const e = xhat[i] - x[i], ea = xaux[i] - x[i];
    recon += e * e; aux += ea * ea;
    g[i] = (2 * e) / N; gaux[i] = (2 * ea) / N;
  }
  const dWDec = new Float32Array(F * d), dBDec = new Float32Array(d), dz = new Float32Array(N * F);
  const dBGate = new Float32Array(F), dRMag = new Float32Array(F), dBMag = new Float32Array(F);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < d; i++) dBDec[i] += g[n * d + i];
    for (let j = 0; j < F; j++) {
      const a = f[n * F + j], ag = fg[n * F + j], k = n * F + j;
      if (ag > 0) sparsity += ag ** p;
      let df = 0, dfg = 0;
      for (let i = 0; i < d; i++) {
        df += g[n * d + i] * sae.wDec[j * d + i];
        dfg += gaux[n * d + i] * frozen.wDec[j * d + i];
        if (a !== 0) dWDec[j * d + i] += a * g[n * d + i];
      }
      // magnitude path: only where the gate is open and the magnitude positive
      if (a > 0) {
        const e = Math.exp(rMag[j]);
        dBMag[j] += df;
        dRMag[j] += df * z[k] * e;
        dz[k] += df * e;
      }
      // gate path: the sparsity penalty and the auxiliary reconstruction through ReLU(z + b_gate)
      if (ag > 0) {
        const dpg = dfg + (coef * p * ag ** (p - 1)) / N;
        dBGate[j] += dpg;
        dz[k] += dpg;
      }
    }
  }
  const dWEnc = new Float32Array(d * F);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < F; j++) {
      const gj = dz[n * F + j];
      if (gj === 0) continue;
      for (let i = 0; i < d; i++) {
        dWEnc[i * F + j] += xin[n * d + i] * gj;
        dBDec[i] -= gj * sae.wEnc[i * F + j];
      }
    }
  }
  return { recon: recon / N, sparsity: (coef * sparsity) / N, aux: aux / N, dWEnc, dBGate, dRMag, dBMag, dWDec, dBDec };
}
