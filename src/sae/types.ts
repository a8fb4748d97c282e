// One canonical SAE layout for every supported source format (SAE-Lens layout: W_enc [dIn, dSae],
// W_dec [dSae, dIn]). Encode: pre = (x - bDec·subtractDecoderBias) @ W_enc + bEnc, then the
// activation of `kind`; decode: acts @ W_dec + bDec.

export type SaeKind = 'relu' | 'jumprelu' | 'gated' | 'topk';
export type SaeFormat = 'saelens' | 'dictionary_learning';

export interface Sae {
  kind: SaeKind;
  format: SaeFormat;
  /** the source class name, e.g. "AutoEncoder", "GatedAutoEncoder", SAE-Lens "standard" */
  sourceClass: string;
  dIn: number;
  dSae: number;
  wEnc: Float32Array; // [dIn, dSae]
  bEnc: Float32Array; // [dSae] (zeros for gated)
  wDec: Float32Array; // [dSae, dIn]
  bDec: Float32Array; // [dIn]
  subtractDecoderBias: boolean;
  /** jumprelu: feature fires only when pre > threshold */
  threshold?: Float32Array; // [dSae]
  /** topk: features kept per position */
  k?: number;
  /** gated: f = 1[pre + bGate > 0] · ReLU(exp(rMag) · pre + bMag) */
  bGate?: Float32Array; // [dSae]
  rMag?: Float32Array; // [dSae]
  bMag?: Float32Array; // [dSae]
  /** hook the SAE was trained on, when the files say */
  hookName?: string;
  /** the model the SAE was trained on, when the files say (dictionary_learning's lm_name) */
  lmName?: string;
}

/**
 * The residual convention an SAE expects (spec 1.4(e)): the paper's Othello SAEs were trained on
 * TransformerLens-processed weights, whose residual stream is the raw one minus its mean over
 * d_model ('centred'); the chess SAEs on the raw Hugging Face model ('raw'). Unknown: undefined.
 */
export function residualConventionOf(sae: Sae): 'centred' | 'raw' | undefined {
  if (!sae.lmName) return undefined;
  if (/Othello-GPT-Transformer-Lens/i.test(sae.lmName)) return 'centred';
  if (/^adamkarvonen\/(RandomWeights)?8Layer(Chess|Othello)GPT2$/i.test(sae.lmName)) return 'raw';
  return undefined;
}

export class SaeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaeFormatError';
  }
}
