// GPT-2-family state dicts (spec 1.4(c)(d)): nanoGPT checkpoints (nn.Linear [out, in], optional
// `_orig_mod.` prefix from torch.compile, often no biases, lm_head tied to wte) and Hugging Face
// GPT-2 (Conv1D [in, out], with biases). Both fuse Q, K, V in `c_attn` (columns [Q | K | V], heads
// contiguous, which is the canonical column order). The layout is told apart by c_attn's shape.
import { shapeStr, transposeData as transpose, type Tensor } from '../tensor/tensor';
import type { ModelConfig } from './config';
import type { LayerWeights, Model, ModelWeights } from './weights';

export type Gpt2Layout = 'nanogpt' | 'hf_gpt2';

export class Gpt2FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Gpt2FormatError';
  }
}

export const isGpt2Dict = (keys: Iterable<string>) => [...keys].some((k) => k === 'transformer.wte.weight' || k === '_orig_mod.transformer.wte.weight');

export function fromGpt2(dict: Map<string, Tensor>, c: ModelConfig): { weights: ModelWeights; layout: Gpt2Layout } {
  const prefix = dict.has('_orig_mod.transformer.wte.weight') ? '_orig_mod.' : '';
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V, nCtx } = c;
  if (H * dh !== d) throw new Gpt2FormatError(`GPT-2 layouts need n_heads * d_head = d_model (got ${H} x ${dh} vs ${d})`);
  if (c.normalization !== 'LN') throw new Gpt2FormatError('GPT-2 layouts have LayerNorm: the config needs normalization_type "LN"');
  const get = (name: string) => dict.get(prefix + name);
  const cAttn = get('transformer.h.0.attn.c_attn.weight');
  if (!cAttn) throw new Gpt2FormatError(`state dict is missing "${prefix}transformer.h.0.attn.c_attn.weight"`);
  const layout: Gpt2Layout = cAttn.shape[0] === d && cAttn.shape[1] === 3 * d ? 'hf_gpt2' : 'nanogpt';
  const tensor = (name: string, shape: number[], optional = false): Float32Array | undefined => {
    const t = get(name);
    if (!t) {
      if (optional) return undefined;
      throw new Gpt2FormatError(`state dict is missing "${prefix}${name}" (expected shape ${shapeStr(shape)})`);
    }
    if (t.shape.join() !== shape.join()) throw new Gpt2FormatError(`"${prefix}${name}" has shape ${shapeStr(t.shape)}, the config needs ${shapeStr(shape)}`);
    return t.data;
  };
  // a projection as canonical [in, out]: Conv1D already is; nn.Linear is [out, in]
  const proj = (name: string, inp: number, out: number) =>
    (layout === 'hf_gpt2' ? tensor(name, [inp, out])! : transpose(tensor(name, [out, inp])!, out, inp));
  const bias = (name: string, n: number) => tensor(name, [n], true) ?? new Float32Array(n);
  const lnW = (name: string) => tensor(name, [d])!;
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const b = `transformer.h.${l}`;
    const qkv = proj(`${b}.attn.c_attn.weight`, d, 3 * d), qkvB = bias(`${b}.attn.c_attn.bias`, 3 * d);
    const split = (k: number) => { const w = new Float32Array(d * d); for (let r = 0; r < d; r++) w.set(qkv.subarray(r * 3 * d + k * d, r * 3 * d + (k + 1) * d), r * d); return w; };
    layers.push({
      ln1W: lnW(`${b}.ln_1.weight`), ln1B: bias(`${b}.ln_1.bias`, d),
      wQ: split(0), wK: split(1), wV: split(2),
      bQ: qkvB.slice(0, d), bK: qkvB.slice(d, 2 * d), bV: qkvB.slice(2 * d),
      wO: proj(`${b}.attn.c_proj.weight`, d, d), bO: bias(`${b}.attn.c_proj.bias`, d),
      ln2W: lnW(`${b}.ln_2.weight`), ln2B: bias(`${b}.ln_2.bias`, d),
      wIn: proj(`${b}.mlp.c_fc.weight`, d, m), bIn: bias(`${b}.mlp.c_fc.bias`, m),
      wOut: proj(`${b}.mlp.c_proj.weight`, m, d), bOut: bias(`${b}.mlp.c_proj.bias`, d),
    });
  }
  const wE = tensor('transformer.wte.weight', [V, d])!;
  const head = tensor('lm_head.weight', [V, d], true) ?? wE; // tied when absent
  return {
    layout,
    weights: {
      wE, wPos: tensor('transformer.wpe.weight', [nCtx, d])!, layers,
      lnFW: lnW('transformer.ln_f.weight'), lnFB: bias('transformer.ln_f.bias', d),
      wU: transpose(head, V, d), bU: bias('lm_head.bias', V),
    },
  };
}

/** Canonical weights as a GPT-2-family state dict (nanoGPT: no biases written when `biases` is false, lm_head tied). GPT-2 has no unembedding bias, so b_U is not written. */
export function toGpt2Dict({ config: c, weights: w }: Model, layout: Gpt2Layout, opts: { biases?: boolean; prefix?: string } = {}): Map<string, Tensor> {
  const { dModel: d, dMlp: m, dVocab: V } = c;
  const biases = opts.biases ?? layout === 'hf_gpt2', p = opts.prefix ?? '';
  const out = new Map<string, Tensor>();
  const put = (name: string, shape: number[], data: Float32Array) => out.set(p + name, { shape, data });
  const proj = (name: string, inp: number, o: number, data: Float32Array) =>
    (layout === 'hf_gpt2' ? put(name, [inp, o], data) : put(name, [o, inp], transpose(data, inp, o)));
  const b = (name: string, data: Float32Array) => { if (biases) put(name, [data.length], data); };
  put('transformer.wte.weight', [V, d], w.wE);
  put('transformer.wpe.weight', [c.nCtx, d], w.wPos);
  w.layers.forEach((L, l) => {
    const k = `transformer.h.${l}`;
    const qkv = new Float32Array(d * 3 * d);
    for (let r = 0; r < d; r++) [L.wQ, L.wK, L.wV].forEach((W, j) => qkv.set(W.subarray(r * d, (r + 1) * d), r * 3 * d + j * d));
    put(`${k}.ln_1.weight`, [d], L.ln1W); b(`${k}.ln_1.bias`, L.ln1B);
    proj(`${k}.attn.c_attn.weight`, d, 3 * d, qkv);
    const qkvB = new Float32Array(3 * d); qkvB.set(L.bQ); qkvB.set(L.bK, d); qkvB.set(L.bV, 2 * d);
    b(`${k}.attn.c_attn.bias`, qkvB);
    proj(`${k}.attn.c_proj.weight`, d, d, L.wO); b(`${k}.attn.c_proj.bias`, L.bO);
    put(`${k}.ln_2.weight`, [d], L.ln2W); b(`${k}.ln_2.bias`, L.ln2B);
    proj(`${k}.mlp.c_fc.weight`, d, m, L.wIn); b(`${k}.mlp.c_fc.bias`, L.bIn);
    proj(`${k}.mlp.c_proj.weight`, m, d, L.wOut); b(`${k}.mlp.c_proj.bias`, L.bOut);
  });
  put('transformer.ln_f.weight', [d], w.lnFW); b('transformer.ln_f.bias', w.lnFB);
  if (layout === 'hf_gpt2') put('lm_head.weight', [V, d], transpose(w.wU, d, V));
  return out;
}
