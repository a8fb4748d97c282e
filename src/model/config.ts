// One config type for every GPT-style board-game model we run. It is read from JSON that uses
// TransformerLens HookedTransformerConfig field names, so files written by other tools load as-is.

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

/** Parses a HookedTransformerConfig-style object (n_layers, d_model, n_heads, d_head, d_mlp, d_vocab, n_ctx, act_fn, normalization_type, eps). */
export function parseModelConfig(json: unknown): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('model config is not a JSON object');
  const j = json as Record<string, unknown>;
  const int = (key: string, fallback?: number): number => {
    const v = j[key] ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) throw new ConfigError(`model config: "${key}" must be a positive integer (got ${JSON.stringify(j[key])})`);
    return v as number;
  };
  const dModel = int('d_model');
  const nHeads = int('n_heads');
  const actFn = j.act_fn ?? 'gelu';
  if (typeof actFn !== 'string' || !(actFn in ACT_FNS)) {
    throw new ConfigError(`model config: act_fn ${JSON.stringify(actFn)} is not supported (use one of ${Object.keys(ACT_FNS).join(', ')})`);
  }
  const norm = j.normalization_type ?? 'LN';
  if (norm !== 'LN' && norm !== 'LNPre') throw new ConfigError(`model config: normalization_type ${JSON.stringify(norm)} is not supported (use "LN" or "LNPre")`);
  const eps = j.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0)) throw new ConfigError('model config: "eps" must be a positive number');
  return {
    nLayers: int('n_layers'),
    dModel,
    nHeads,
    dHead: int('d_head', j.d_head === undefined && dModel % nHeads === 0 ? dModel / nHeads : undefined),
    dMlp: int('d_mlp', j.d_mlp === undefined ? 4 * dModel : undefined),
    dVocab: int('d_vocab'),
    nCtx: int('n_ctx'),
    gelu: ACT_FNS[actFn],
    normalization: norm,
    eps,
  };
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
