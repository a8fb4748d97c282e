// One config type for every GPT-style board-game model we run. It is read from JSON that uses
// TransformerLens HookedTransformerConfig field names, so files written by other tools load as-is.

import { quote } from '../tensor/safe-json';

export type GeluForm = 'exact' | 'tanh';
export type Normalization = 'LN' | 'LNPre';

export interface ModelConfig {
  nLayers: number;
  dModel: number;
  nHeads: number;
  /** not tied to dModel / nHeads */
  dHead: number;
  dMlp: number;
  dVocab: number;
  nCtx: number;
  gelu: GeluForm;
  /** LN: LayerNorm with affine weight/bias; LNPre: centre and scale only (TransformerLens-processed dicts) */
  normalization: Normalization;
  eps: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** TransformerLens act_fn names → GELU form. "gelu" is the exact erf form; the others use tanh. */
const ACT_FNS: Record<string, GeluForm> = { gelu: 'exact', gelu_new: 'tanh', gelu_fast: 'tanh', gelu_pytorch_tanh: 'tanh' };

/** A value from a file, described for an error message: short, one line, never its own toString. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return quote(v);
  return Array.isArray(v) ? 'a list' : 'an object';
}

/**
 * Largest sizes a config may ask for: far above any board-game model (Othello-GPT: 8 layers,
 * d_model 512), far below what would exhaust memory before a file's tensors are even checked.
 */
export const CONFIG_LIMITS: Record<string, number> = { n_layers: 256, d_model: 16384, n_heads: 256, d_head: 4096, d_mlp: 65536, d_vocab: 1_000_000, n_ctx: 65536 };
/** Most parameters a config may imply (1 GiB of float32; Othello-GPT and Karvonen's chess models have ~25M). */
export const MAX_PARAMS = 2 ** 28;

/** Parses a HookedTransformerConfig-style object (n_layers, d_model, n_heads, d_head, d_mlp, d_vocab, n_ctx, act_fn, normalization_type, eps). */
export function parseModelConfig(json: unknown): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('model config is not a JSON object');
  // Own properties only: "toString" or "__proto__" keys in a file must not reach Object.prototype.
  const j = (k: string): unknown => (Object.prototype.hasOwnProperty.call(json, k) ? (json as Record<string, unknown>)[k] : undefined);
  const int = (key: string, fallback?: number): number => {
    const v = j(key) ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) throw new ConfigError(`model config: "${key}" must be a positive integer (got ${describeValue(j(key))})`);
    if ((v as number) > CONFIG_LIMITS[key]) throw new ConfigError(`model config: "${key}" is ${v}, above the ${CONFIG_LIMITS[key]} this workbench accepts`);
    return v as number;
  };
  const dModel = int('d_model');
  const nHeads = int('n_heads');
  const actFn = j('act_fn') ?? 'gelu';
  if (typeof actFn !== 'string' || !Object.prototype.hasOwnProperty.call(ACT_FNS, actFn)) {
    throw new ConfigError(`model config: act_fn ${describeValue(actFn)} is not supported (use one of ${Object.keys(ACT_FNS).join(', ')})`);
  }
  const norm = j('normalization_type') ?? 'LN';
  if (norm !== 'LN' && norm !== 'LNPre') throw new ConfigError(`model config: normalization_type ${describeValue(norm)} is not supported (use "LN" or "LNPre")`);
  const eps = j('eps') ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0) || !(eps <= 1)) throw new ConfigError('model config: "eps" must be a number in (0, 1]');
  const c: ModelConfig = {
    nLayers: int('n_layers'),
    dModel,
    nHeads,
    dHead: int('d_head', j('d_head') === undefined && dModel % nHeads === 0 ? dModel / nHeads : undefined),
    dMlp: int('d_mlp', j('d_mlp') === undefined ? 4 * dModel : undefined),
    dVocab: int('d_vocab'),
    nCtx: int('n_ctx'),
    gelu: ACT_FNS[actFn],
    normalization: norm,
    eps,
  };
  const hd = c.nHeads * c.dHead;
  const params = (c.dVocab + c.nCtx) * c.dModel * 2 + c.nLayers * (c.dModel * hd * 4 + 2 * c.dModel * c.dMlp);
  if (params > MAX_PARAMS) throw new ConfigError(`model config: these sizes imply ${params.toExponential(2)} parameters, above the ${MAX_PARAMS.toExponential(2)} this workbench accepts`);
  return c;
}

/** The inverse of parseModelConfig, for writing config files other tools can read. */
export function toHookedTransformerConfig(c: ModelConfig): Record<string, unknown> {
  return {
    n_layers: c.nLayers, d_model: c.dModel, n_heads: c.nHeads, d_head: c.dHead, d_mlp: c.dMlp,
    d_vocab: c.dVocab, n_ctx: c.nCtx, act_fn: c.gelu === 'exact' ? 'gelu' : 'gelu_new',
    normalization_type: c.normalization, eps: c.eps,
  };
}

/** Every activation the forward pass can expose, under TransformerLens hook names. */
export function hookNames(c: ModelConfig): string[] {
  const names = ['hook_embed', 'hook_pos_embed'];
  for (let l = 0; l < c.nLayers; l++) {
    const b = `blocks.${l}`;
    names.push(`${b}.hook_resid_pre`, `${b}.attn.hook_pattern`, `${b}.hook_attn_out`, `${b}.hook_resid_mid`,
      `${b}.mlp.hook_post`, `${b}.hook_mlp_out`, `${b}.hook_resid_post`);
  }
  names.push('ln_final.hook_normalized');
  return names;
}

/** Per-position width of a hook ([T, width]); hook_pattern is [T, nHeads, T]. */
export function hookWidth(c: ModelConfig, name: string, T: number): number {
  if (name.endsWith('attn.hook_pattern')) return c.nHeads * T;
  if (name.endsWith('mlp.hook_post')) return c.dMlp;
  return c.dModel;
}

export function hookShape(c: ModelConfig, name: string, T: number): number[] {
  return name.endsWith('attn.hook_pattern') ? [T, c.nHeads, T] : [T, hookWidth(c, name, T)];
}
