// CPU reference of one whole training step's loss and gradients, composed from the op references
// (cpu-ops forward, cpu-backward backward). Slow and plain: the ground truth for GpuModelTrainer
// and the CPU column of `npm run bench -- train`.
import { add, causalAttention, geluInPlace, layerNorm, matmul } from '../model/cpu-ops';
import type { Model, ModelWeights } from '../model/weights';
import { causalAttentionBackward, crossEntropy, embeddingBackward, geluBackward, layerNormBackward, matmulBackward } from './cpu-backward';
import { IGNORE, type TokenBatch } from './data';

const addInto = (a: Float32Array, b: Float32Array) => { for (let i = 0; i < a.length; i++) a[i] += b[i]; };

function zerosLike(w: ModelWeights): ModelWeights {
  const z = (a: Float32Array) => new Float32Array(a.length);
  return {
    wE: z(w.wE), wPos: z(w.wPos), lnFW: z(w.lnFW), lnFB: z(w.lnFB), wU: z(w.wU), bU: z(w.bU),
    layers: w.layers.map((L) => Object.fromEntries(Object.entries(L).map(([k, v]) => [k, z(v)])) as unknown as typeof L),
  };
}

export function cpuLossAndGrads({ config: c, weights: w }: Model, batch: TokenBatch): { loss: number; grads: ModelWeights } {
  const { B, T } = batch, d = c.dModel, H = c.nHeads, dh = c.dHead, hd = H * dh, m = c.dMlp, V = c.dVocab;
  const g = zerosLike(w);
  let lossSum = 0;
  for (let b = 0; b < B; b++) {
    const tokens = Array.from(batch.tokens.subarray(b * T, (b + 1) * T));
    // Forward, keeping what the backward needs.
    let resid: Float32Array = new Float32Array(T * d);
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) resid[t * d + i] = w.wE[tokens[t] * d + i] + w.wPos[t * d + i];
    const cache = w.layers.map((L) => {
      const x = resid, x1 = layerNorm(x, T, d, L.ln1W, L.ln1B, c.eps);
      const q = matmul(x1, L.wQ, T, d, hd, L.bQ), k = matmul(x1, L.wK, T, d, hd, L.bK), v = matmul(x1, L.wV, T, d, hd, L.bV);
      const { z, pattern } = causalAttention(q, k, v, T, H, dh);
      const mid = add(x, matmul(z, L.wO, T, hd, d, L.bO));
      const x2 = layerNorm(mid, T, d, L.ln2W, L.ln2B, c.eps);
      const hPre = matmul(x2, L.wIn, T, d, m, L.bIn), hPost = geluInPlace(hPre.slice(), c.gelu);
      resid = add(mid, matmul(hPost, L.wOut, T, m, d, L.bOut));
      return { x, x1, q, k, v, z, pattern, mid, x2, hPre, hPost };
    });
    const xf = layerNorm(resid, T, d, w.lnFW, w.lnFB, c.eps);
    const logits = matmul(xf, w.wU, T, d, V, w.bU);
    const targets = Array.from(batch.targets.subarray(b * T, (b + 1) * T), (t) => (t === IGNORE ? -1 : t));
    const ce = crossEntropy(logits, targets, V);
    lossSum += ce.loss * ce.count;
    // crossEntropy divides by this sequence's count; the batch loss divides by the batch's.
    const dLogits = ce.dLogits.map((x) => (x * ce.count) / batch.count);
    // Backward.
    let gu = matmulBackward(xf, w.wU, dLogits, T, d, V);
    addInto(g.wU, gu.dB); addInto(g.bU, gu.dBias);
    const lnf = layerNormBackward(resid, w.lnFW, gu.dA, T, d, c.eps);
    addInto(g.lnFW, lnf.dW); addInto(g.lnFB, lnf.dB);
    let dResid: Float32Array = lnf.dX;
    for (let l = c.nLayers - 1; l >= 0; l--) {
      const L = w.layers[l], G = g.layers[l], s = cache[l];
      gu = matmulBackward(s.hPost, L.wOut, dResid, T, m, d);
      addInto(G.wOut, gu.dB); addInto(G.bOut, gu.dBias);
      const dHPre = geluBackward(s.hPre, gu.dA, c.gelu);
      gu = matmulBackward(s.x2, L.wIn, dHPre, T, d, m);
      addInto(G.wIn, gu.dB); addInto(G.bIn, gu.dBias);
      const ln2 = layerNormBackward(s.mid, L.ln2W, gu.dA, T, d, c.eps);
      addInto(G.ln2W, ln2.dW); addInto(G.ln2B, ln2.dB);
      dResid = add(dResid, ln2.dX);
      gu = matmulBackward(s.z, L.wO, dResid, T, hd, d);
      addInto(G.wO, gu.dB); addInto(G.bO, gu.dBias);
      const at = causalAttentionBackward(s.q, s.k, s.v, s.pattern, gu.dA, T, H, dh);
      const dX1 = new Float32Array(T * d);
      for (const [dP, W, Gw, Gb] of [[at.dQ, L.wQ, G.wQ, G.bQ], [at.dK, L.wK, G.wK, G.bK], [at.dV, L.wV, G.wV, G.bV]] as const) {
        const r = matmulBackward(s.x1, W, dP, T, d, hd);
        addInto(Gw, r.dB); addInto(Gb, r.dBias); addInto(dX1, r.dA);
      }
      const ln1 = layerNormBackward(s.x, L.ln1W, dX1, T, d, c.eps);
      addInto(G.ln1W, ln1.dW); addInto(G.ln1B, ln1.dB);
      dResid = add(dResid, ln1.dX);
    }
    const e = embeddingBackward(tokens, dResid, V, c.nCtx, d);
    addInto(g.wE, e.dWE); addInto(g.wPos, e.dWpos);
  }
  return { loss: lossSum / batch.count, grads: g };
}
