// TransformerLens' weight processing (HookedTransformer.from_pretrained's defaults: fold_ln,
// center_writing_weights, center_unembed, fold_value_biases), as a load option. The processed model
// predicts exactly what the raw one does (logits shift by one constant per position, which no
// probability sees), but its residual stream is the raw one minus its mean over d_model: the stream
// the paper's Othello SAEs were trained on (spec 1.4(e)).
import type { LayerWeights, Model } from './weights';

/** y[i, :] -= mean(y[i, :]) for a row-major [rows, cols] matrix (in place). */
function centreRows(a: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m += a[r * cols + c];
    m /= cols;
    for (let c = 0; c < cols; c++) a[r * cols + c] -= m;
  }
}

/**
 * LayerNorm (w, b) feeding W [d, n] with bias bias [n] → W' = diag(w) W, bias' = bias + b W: the
 * following matmul sees the plain normalised input ("LNPre").
 */
function foldLayerNorm(lnW: Float32Array, lnB: Float32Array, W: Float32Array, bias: Float32Array, d: number, n: number): [Float32Array, Float32Array] {
  const w2 = new Float32Array(d * n), b2 = Float32Array.from(bias);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < n; j++) {
      w2[i * n + j] = lnW[i] * W[i * n + j];
      b2[j] += lnB[i] * W[i * n + j];
    }
  }
  return [w2, b2];
}

export function processWeights(model: Model): Model {
  const { config: c, weights: w } = model;
  const d = c.dModel, hd = c.nHeads * c.dHead, m = c.dMlp, V = c.dVocab;
  const ones = new Float32Array(d).fill(1), zeros = new Float32Array(d);
  const layers: LayerWeights[] = w.layers.map((L) => {
    const [wQ, bQ] = foldLayerNorm(L.ln1W, L.ln1B, L.wQ, L.bQ, d, hd);
    const [wK, bK] = foldLayerNorm(L.ln1W, L.ln1B, L.wK, L.bK, d, hd);
    const [wV, bV] = foldLayerNorm(L.ln1W, L.ln1B, L.wV, L.bV, d, hd);
    const [wIn, bIn] = foldLayerNorm(L.ln2W, L.ln2B, L.wIn, L.bIn, d, m);
    // Value biases: each head's pattern sums to 1, so b_V reaches the output as the constant b_V W_O.
    const bO = Float32Array.from(L.bO);
    for (let k = 0; k < hd; k++) for (let j = 0; j < d; j++) bO[j] += bV[k] * L.wO[k * d + j];
    const wO = Float32Array.from(L.wO), wOut = Float32Array.from(L.wOut), bOut = Float32Array.from(L.bOut);
    centreRows(wO, hd, d); centreRows(bO, 1, d); centreRows(wOut, m, d); centreRows(bOut, 1, d);
    return { ln1W: ones, ln1B: zeros, wQ, bQ, wK, bK, wV, bV: new Float32Array(hd), wO, bO, ln2W: ones, ln2B: zeros, wIn, bIn, wOut, bOut };
  });
  const wE = Float32Array.from(w.wE), wPos = Float32Array.from(w.wPos);
  centreRows(wE, V, d); centreRows(wPos, c.nCtx, d);
  const [wU, bU] = foldLayerNorm(w.lnFW, w.lnFB, w.wU, w.bU, d, V);
  centreRows(wU, d, V); centreRows(bU, 1, V); // centre_unembed: logits shift by a per-position constant
  return { config: { ...c, normalization: 'LNPre' }, weights: { wE, wPos, layers, lnFW: ones, lnFB: zeros, wU, bU } };
}
