// The architecture of a model worked out from its own files (spec 1.4): TransformerLens and minGPT
// state dicts from their tensor shapes, nanoGPT from the checkpoint's `model_args`, Hugging Face
// GPT-2 from its GPT2Config `config.json` (or shapes). What no file says (minGPT's and a bare GPT-2
// dict's head count) must be given: the error asks for it in one line.
import type { Tensor } from '../tensor/tensor';
import { ConfigError, parseModelConfig, type ModelConfig } from './config';
import { detectFormat } from './adapters';

export class NeedsHeadsError extends ConfigError {
  constructor(readonly format: string) {
    super(`a ${format} file does not say how many attention heads it has: give the number (--n-heads; Li et al.'s Othello-GPT uses 8, Karvonen's chess models 8)`);
    this.name = 'NeedsHeadsError';
  }
}

export interface ArchitectureHints {
  /** a HookedTransformerConfig-style or Hugging Face GPT2Config JSON given with the weights */
  configJson?: unknown;
  /** nanoGPT's `model_args` from the checkpoint */
  modelArgs?: unknown;
  /** the head count, when the files cannot say */
  nHeads?: number;
}

const own = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);

/** A Hugging Face GPT2Config (model_type "gpt2" or n_embd/n_layer keys) → HookedTransformerConfig fields. */
export function isHfGpt2Config(j: unknown): boolean {
  return own(j, 'model_type') === 'gpt2' || (own(j, 'n_embd') !== undefined && own(j, 'n_layer') !== undefined);
}

export function fromHfGpt2Config(j: unknown): ModelConfig {
  const act = own(j, 'activation_function') ?? 'gelu_new';
  const nEmbd = own(j, 'n_embd'), nHead = own(j, 'n_head'), inner = own(j, 'n_inner');
  return parseModelConfig({
    n_layers: own(j, 'n_layer'), d_model: nEmbd, n_heads: nHead,
    d_head: typeof nEmbd === 'number' && typeof nHead === 'number' && nHead > 0 ? nEmbd / nHead : undefined,
    d_mlp: inner === null || inner === undefined ? (typeof nEmbd === 'number' ? 4 * nEmbd : undefined) : inner,
    d_vocab: own(j, 'vocab_size'), n_ctx: own(j, 'n_positions') ?? own(j, 'n_ctx'),
    act_fn: act, normalization_type: 'LN', eps: own(j, 'layer_norm_epsilon') ?? 1e-5,
  });
}

/** Highest block index + 1 among keys like `<prefix><n>.` */
function countLayers(keys: string[], prefix: string): number {
  let n = 0;
  for (const k of keys) {
    if (!k.startsWith(prefix)) continue;
    const i = Number(k.slice(prefix.length).split('.')[0]);
    if (Number.isSafeInteger(i) && i >= 0 && i < 10_000) n = Math.max(n, i + 1);
  }
  return n;
}

export function inferModelConfig(dict: Map<string, Tensor>, hints: ArchitectureHints = {}): ModelConfig {
  if (hints.configJson !== undefined) {
    return isHfGpt2Config(hints.configJson) ? fromHfGpt2Config(hints.configJson) : parseModelConfig(hints.configJson);
  }
  const keys = [...dict.keys()];
  const shape = (k: string): readonly number[] => {
    const t = dict.get(k);
    if (!t) throw new ConfigError(`cannot work out the architecture: "${k}" is missing`);
    return t.shape;
  };
  const format = detectFormat(keys);
  const heads = (what: string) => {
    if (hints.nHeads === undefined) throw new NeedsHeadsError(what);
    return hints.nHeads;
  };
  if (format === 'transformer_lens') {
    const [V, d] = shape('embed.W_E');
    const [H, , dh] = shape('blocks.0.attn.W_Q');
    return parseModelConfig({
      n_layers: countLayers(keys, 'blocks.'), d_model: d, n_heads: H, d_head: dh, d_mlp: shape('blocks.0.mlp.W_in')[1],
      d_vocab: V, n_ctx: shape('pos_embed.W_pos')[0], act_fn: 'gelu', normalization_type: dict.has('ln_final.w') ? 'LN' : 'LNPre', eps: 1e-5,
    });
  }
  if (format === 'mingpt') {
    const [V, d] = shape('tok_emb.weight');
    const pos = shape('pos_emb');
    const H = heads('minGPT');
    return parseModelConfig({
      n_layers: countLayers(keys, 'blocks.'), d_model: d, n_heads: H, d_head: d % H === 0 ? d / H : undefined,
      d_mlp: shape('blocks.0.mlp.0.weight')[0], d_vocab: V, n_ctx: pos[pos.length - 2], act_fn: 'gelu', normalization_type: 'LN', eps: 1e-5,
    });
  }
  // nanoGPT / Hugging Face GPT-2
  const p = dict.has('_orig_mod.transformer.wte.weight') ? '_orig_mod.' : '';
  const [V, d] = shape(`${p}transformer.wte.weight`);
  const args = hints.modelArgs;
  const argHeads = own(args, 'n_head');
  const H = typeof argHeads === 'number' ? argHeads : heads('GPT-2 state dict without its config.json');
  const fc = shape(`${p}transformer.h.0.mlp.c_fc.weight`);
  const hfLayout = fc[0] === d; // Conv1D [in, out]; nanoGPT's Linear is [out, in]
  return parseModelConfig({
    n_layers: countLayers(keys, `${p}transformer.h.`), d_model: d, n_heads: H, d_head: d % H === 0 ? d / H : undefined,
    d_mlp: hfLayout ? fc[1] : fc[0], d_vocab: V, n_ctx: shape(`${p}transformer.wpe.weight`)[0],
    // nanoGPT uses nn.GELU() (exact); Hugging Face GPT-2 defaults to gelu_new (tanh)
    act_fn: hfLayout ? 'gelu_new' : 'gelu', normalization_type: 'LN', eps: 1e-5,
  });
}
