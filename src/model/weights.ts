// The canonical weight layout every format adapter converts into. Matrices are row-major
// [in, out] so that activations [T, in] @ W [in, out] is a plain matmul. Biases and LayerNorm
// parameters are always present (zeros / ones when the source model has none).
import type { ModelConfig } from './config';

export interface LayerWeights {
  ln1W: Float32Array; // [dModel]
  ln1B: Float32Array; // [dModel]
  wQ: Float32Array; // [dModel, nHeads*dHead], column h*dHead+j = head h, dim j
  wK: Float32Array; // [dModel, nHeads*dHead]
  wV: Float32Array; // [dModel, nHeads*dHead]
  bQ: Float32Array; // [nHeads*dHead]
  bK: Float32Array; // [nHeads*dHead]
  bV: Float32Array; // [nHeads*dHead]
  wO: Float32Array; // [nHeads*dHead, dModel]
  bO: Float32Array; // [dModel]
  ln2W: Float32Array; // [dModel]
  ln2B: Float32Array; // [dModel]
  wIn: Float32Array; // [dModel, dMlp]
  bIn: Float32Array; // [dMlp]
  wOut: Float32Array; // [dMlp, dModel]
  bOut: Float32Array; // [dModel]
}

export interface ModelWeights {
  wE: Float32Array; // [dVocab, dModel]
  wPos: Float32Array; // [nCtx, dModel]
  layers: LayerWeights[];
  lnFW: Float32Array; // [dModel]
  lnFB: Float32Array; // [dModel]
  wU: Float32Array; // [dModel, dVocab]
  bU: Float32Array; // [dVocab]
}

export interface Model {
  config: ModelConfig;
  weights: ModelWeights;
}
