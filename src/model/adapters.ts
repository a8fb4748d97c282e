// Weight-format adapters: TransformerLens (spec 1.4(b), raw or "LNPre"-processed) and minGPT
// (Li et al.'s Othello-GPT, spec 1.4(a)) state dicts into the canonical layout, and back out
// again so the project's own models can be read by other tools. The format is detected from keys.
import { shapeStr, transposeData as transpose, type Tensor } from '../tensor/tensor';
import { ConfigError, parseModelConfig, type ModelConfig } from './config';
import { quote } from '../tensor/safe-json';
import type { LayerWeights, Model, ModelWeights } from './weights';
import { fromGpt2, Gpt2FormatError, isGpt2Dict, type Gpt2Layout } from './gpt2-adapter';

export type WeightFormat = 'transformer_lens' | 'mingpt' | Gpt2Layout;

export class WeightFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightFormatError';
  }
}

export function detectFormat(keys: Iterable<string>): 'transformer_lens' | 'mingpt' | 'gpt2' {
  const list = [...keys], set = new Set(list);
  if (set.has('embed.W_E')) return 'transformer_lens';
  if (set.has('tok_emb.weight')) return 'mingpt';
  if (isGpt2Dict(list)) return 'gpt2';
  throw new WeightFormatError('unrecognised state dict: expected TransformerLens keys (embed.W_E, ...), minGPT keys (tok_emb.weight, ...) or nanoGPT / GPT-2 keys (transformer.wte.weight, ...)');
}

/** Reads a tensor, checking its shape; `optional` returns undefined instead of failing when absent. */
function reader(dict: Map<string, Tensor>) {
  const get = (name: string, shape: number[], optional = false): Float32Array | undefined => {
    const t = dict.get(name);
    if (!t) {
      if (optional) return undefined;
      throw new WeightFormatError(`state dict is missing "${name}" (expected shape ${shapeStr(shape)})`);
    }
    const want = shape.reduce((a, b) => a * b, 1);
    const sameShape = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
    if (!sameShape || t.data.length !== want) {
      throw new WeightFormatError(`"${name}" has shape ${shapeStr(t.shape)}, the config needs ${shapeStr(shape)}`);
    }
    return t.data;
  };
  return {
    req: (name: string, shape: number[]) => get(name, shape) as Float32Array,
    opt: (name: string, shape: number[]) => get(name, shape, true),
  };
}


/** TL W_Q [H, d, dh] → canonical [d, H*dh] (and back with `inverse`) */
function headsToColumns(w: Float32Array, H: number, d: number, dh: number, inverse = false): Float32Array {
  const out = new Float32Array(w.length);
  for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let j = 0; j < dh; j++) {
    const tl = (h * d + i) * dh + j, canon = i * H * dh + h * dh + j;
    if (inverse) out[tl] = w[canon]; else out[canon] = w[tl];
  }
  return out;
}

const ones = (n: number) => new Float32Array(n).fill(1);
const zeros = (n: number) => new Float32Array(n);

function checkLayerNorm(config: ModelConfig, present: boolean): void {
  if (config.normalization === 'LN' && !present) {
    throw new ConfigError('config says normalization_type "LN" but the state dict has no LayerNorm weights (a processed dict? use "LNPre")');
  }
  if (config.normalization === 'LNPre' && present) {
    throw new ConfigError('config says normalization_type "LNPre" but the state dict has LayerNorm weights (use "LN")');
  }
}

function fromTransformerLens(dict: Map<string, Tensor>, c: ModelConfig): ModelWeights {
  const { req, opt } = reader(dict);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V, nCtx } = c;
  checkLayerNorm(c, dict.has('ln_final.w'));
  const ln = (name: string, fill: (n: number) => Float32Array) => (c.normalization === 'LN' ? req(name, [d]) : fill(d));
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const b = `blocks.${l}`;
    const hb = (n: string) => opt(`${b}.attn.${n}`, [H, dh]) ?? zeros(H * dh);
    layers.push({
      ln1W: ln(`${b}.ln1.w`, ones), ln1B: ln(`${b}.ln1.b`, zeros),
      wQ: headsToColumns(req(`${b}.attn.W_Q`, [H, d, dh]), H, d, dh),
      wK: headsToColumns(req(`${b}.attn.W_K`, [H, d, dh]), H, d, dh),
      wV: headsToColumns(req(`${b}.attn.W_V`, [H, d, dh]), H, d, dh),
      bQ: hb('b_Q'), bK: hb('b_K'), bV: hb('b_V'),
      wO: req(`${b}.attn.W_O`, [H, dh, d]).slice(), // [H, dh, d] is already [H*dh, d]
      bO: opt(`${b}.attn.b_O`, [d]) ?? zeros(d),
      ln2W: ln(`${b}.ln2.w`, ones), ln2B: ln(`${b}.ln2.b`, zeros),
      wIn: req(`${b}.mlp.W_in`, [d, m]), bIn: opt(`${b}.mlp.b_in`, [m]) ?? zeros(m),
      wOut: req(`${b}.mlp.W_out`, [m, d]), bOut: opt(`${b}.mlp.b_out`, [d]) ?? zeros(d),
    });
  }
  const wE = req('embed.W_E', [V, d]);
  return {
    wE,
    wPos: req('pos_embed.W_pos', [nCtx, d]),
    layers,
    lnFW: ln('ln_final.w', ones), lnFB: ln('ln_final.b', zeros),
    wU: opt('unembed.W_U', [d, V]) ?? transpose(wE, V, d), // absent → tied to the embedding
    bU: opt('unembed.b_U', [V]) ?? zeros(V),
  };
}

function fromMinGpt(dict: Map<string, Tensor>, c: ModelConfig): ModelWeights {
  const { req, opt } = reader(dict);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V, nCtx } = c;
  const hd = H * dh;
  checkLayerNorm(c, dict.has('ln_f.weight'));
  const ln = (name: string, fill: (n: number) => Float32Array) => (c.normalization === 'LN' ? req(name, [d]) : fill(d));
  // nn.Linear stores [out, in]; the canonical layout is [in, out].
  const lin = (name: string, out: number, inp: number) => transpose(req(name, [out, inp]), out, inp);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const b = `blocks.${l}`;
    layers.push({
      ln1W: ln(`${b}.ln1.weight`, ones), ln1B: ln(`${b}.ln1.bias`, zeros),
      wQ: lin(`${b}.attn.query.weight`, hd, d), wK: lin(`${b}.attn.key.weight`, hd, d), wV: lin(`${b}.attn.value.weight`, hd, d),
      bQ: opt(`${b}.attn.query.bias`, [hd]) ?? zeros(hd),
      bK: opt(`${b}.attn.key.bias`, [hd]) ?? zeros(hd),
      bV: opt(`${b}.attn.value.bias`, [hd]) ?? zeros(hd),
      wO: lin(`${b}.attn.proj.weight`, d, hd), bO: opt(`${b}.attn.proj.bias`, [d]) ?? zeros(d),
      ln2W: ln(`${b}.ln2.weight`, ones), ln2B: ln(`${b}.ln2.bias`, zeros),
      wIn: lin(`${b}.mlp.0.weight`, m, d), bIn: opt(`${b}.mlp.0.bias`, [m]) ?? zeros(m),
      wOut: lin(`${b}.mlp.2.weight`, d, m), bOut: opt(`${b}.mlp.2.bias`, [d]) ?? zeros(d),
    });
  }
  const wE = req('tok_emb.weight', [V, d]);
  const posT = dict.get('pos_emb');
  const wPos = posT && posT.shape.length === 3 ? req('pos_emb', [1, nCtx, d]) : req('pos_emb', [nCtx, d]);
  const head = opt('head.weight', [V, d]);
  return {
    wE, wPos, layers,
    lnFW: ln('ln_f.weight', ones), lnFB: ln('ln_f.bias', zeros),
    wU: transpose(head ?? wE, V, d),
    bU: opt('head.bias', [V]) ?? zeros(V),
  };
}

/** Buffers some checkpoints carry that the forward does not need (causal masks, TransformerLens' IGNORE). */
const SKIPPED_BUFFER = /(^|\.)attn\.(mask|IGNORE|bias|masked_bias)$/;

/** A state dict that remembers which keys were read, so tensors nothing reads can be refused. */
class ReadTracker extends Map<string, Tensor> {
  readonly read = new Set<string>();
  override get(k: string) { this.read.add(k); return super.get(k); }
}

/**
 * Loads a state dict (TransformerLens, minGPT, nanoGPT or Hugging Face GPT-2 keys) with a
 * HookedTransformerConfig-style JSON. Every tensor the config implies must be there with its shape;
 * a tensor nothing reads (an extra layer, a config with too few layers) is an error, except the
 * known buffers (attention masks, IGNORE), which are skipped.
 */
export function loadModel(dict: Map<string, Tensor>, configJson: unknown): Model & { format: WeightFormat } {
  const config = parseModelConfig(configJson);
  const format = detectFormat(dict.keys());
  const tracked = new ReadTracker(dict);
  let weights: ModelWeights, layout: WeightFormat = format as WeightFormat;
  if (format === 'gpt2') {
    try {
      ({ weights, layout } = fromGpt2(tracked, config));
    } catch (e) {
      if (e instanceof Gpt2FormatError) throw new WeightFormatError(e.message);
      throw e;
    }
  } else {
    weights = format === 'transformer_lens' ? fromTransformerLens(tracked, config) : fromMinGpt(tracked, config);
  }
  const unused = [...dict.keys()].filter((k) => !tracked.read.has(k) && !SKIPPED_BUFFER.test(k));
  if (unused.length) {
    throw new WeightFormatError(`the state dict has ${unused.length} tensor${unused.length > 1 ? 's' : ''} this ${config.nLayers}-layer config does not use (e.g. ${quote(unused[0])}): is n_layers right?`);
  }
  const bad = firstNonFinite(weights);
  if (bad) throw new WeightFormatError(`the weights hold ${bad.value} (in ${bad.where}): a model with NaN or infinite weights cannot be run`);
  return { config, weights, format: layout };
}

/** The first NaN or infinite value in the weights, if any. */
function firstNonFinite(w: ModelWeights): { where: string; value: number } | undefined {
  const arrays: Array<[string, Float32Array]> = [['W_E', w.wE], ['W_pos', w.wPos], ['ln_final', w.lnFW], ['ln_final', w.lnFB], ['W_U', w.wU], ['b_U', w.bU],
    ...w.layers.flatMap((L, l) => Object.entries(L).map(([k, a]) => [`block ${l} ${k}`, a] as [string, Float32Array]))];
  for (const [where, a] of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { where, value: a[i] };
  return undefined;
}

/** Canonical weights → a TransformerLens-style state dict (LN params only when normalization is LN). */
export function toTransformerLensDict({ config: c, weights: w }: Model): Map<string, Tensor> {
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V } = c;
  const out = new Map<string, Tensor>();
  const put = (name: string, shape: number[], data: Float32Array) => out.set(name, { shape, data });
  put('embed.W_E', [V, d], w.wE);
  put('pos_embed.W_pos', [c.nCtx, d], w.wPos);
  w.layers.forEach((L, l) => {
    const b = `blocks.${l}`;
    if (c.normalization === 'LN') { put(`${b}.ln1.w`, [d], L.ln1W); put(`${b}.ln1.b`, [d], L.ln1B); }
    put(`${b}.attn.W_Q`, [H, d, dh], headsToColumns(L.wQ, H, d, dh, true));
    put(`${b}.attn.W_K`, [H, d, dh], headsToColumns(L.wK, H, d, dh, true));
    put(`${b}.attn.W_V`, [H, d, dh], headsToColumns(L.wV, H, d, dh, true));
    put(`${b}.attn.b_Q`, [H, dh], L.bQ); put(`${b}.attn.b_K`, [H, dh], L.bK); put(`${b}.attn.b_V`, [H, dh], L.bV);
    put(`${b}.attn.W_O`, [H, dh, d], L.wO); put(`${b}.attn.b_O`, [d], L.bO);
    if (c.normalization === 'LN') { put(`${b}.ln2.w`, [d], L.ln2W); put(`${b}.ln2.b`, [d], L.ln2B); }
    put(`${b}.mlp.W_in`, [d, m], L.wIn); put(`${b}.mlp.b_in`, [m], L.bIn);
    put(`${b}.mlp.W_out`, [m, d], L.wOut); put(`${b}.mlp.b_out`, [d], L.bOut);
  });
  if (c.normalization === 'LN') { put('ln_final.w', [d], w.lnFW); put('ln_final.b', [d], w.lnFB); }
  put('unembed.W_U', [d, V], w.wU);
  put('unembed.b_U', [V], w.bU);
  return out;
}

/** Canonical weights → a minGPT-style state dict (Li et al.'s key names; no head bias in minGPT). */
export function toMinGptDict({ config: c, weights: w }: Model): Map<string, Tensor> {
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V } = c;
  const hd = H * dh;
  const out = new Map<string, Tensor>();
  const put = (name: string, shape: number[], data: Float32Array) => out.set(name, { shape, data });
  const lin = (name: string, inp: number, outDim: number, data: Float32Array) => put(name, [outDim, inp], transpose(data, inp, outDim));
  put('tok_emb.weight', [V, d], w.wE);
  put('pos_emb', [1, c.nCtx, d], w.wPos);
  w.layers.forEach((L, l) => {
    const b = `blocks.${l}`;
    put(`${b}.ln1.weight`, [d], L.ln1W); put(`${b}.ln1.bias`, [d], L.ln1B);
    lin(`${b}.attn.query.weight`, d, hd, L.wQ); put(`${b}.attn.query.bias`, [hd], L.bQ);
    lin(`${b}.attn.key.weight`, d, hd, L.wK); put(`${b}.attn.key.bias`, [hd], L.bK);
    lin(`${b}.attn.value.weight`, d, hd, L.wV); put(`${b}.attn.value.bias`, [hd], L.bV);
    lin(`${b}.attn.proj.weight`, hd, d, L.wO); put(`${b}.attn.proj.bias`, [d], L.bO);
    put(`${b}.ln2.weight`, [d], L.ln2W); put(`${b}.ln2.bias`, [d], L.ln2B);
    lin(`${b}.mlp.0.weight`, d, m, L.wIn); put(`${b}.mlp.0.bias`, [m], L.bIn);
    lin(`${b}.mlp.2.weight`, m, d, L.wOut); put(`${b}.mlp.2.bias`, [d], L.bOut);
  });
  put('ln_f.weight', [d], w.lnFW); put('ln_f.bias', [d], w.lnFB);
  put('head.weight', [V, d], transpose(w.wU, d, V));
  return out;
}
