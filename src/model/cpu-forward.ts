// Reference forward pass on the CPU. Exposes every activation under TransformerLens hook names
// (see hookNames in config.ts); hook_pattern is stored [T, nHeads, T] so every hook is [T, ...].
import type { Model } from './weights';
import { add, causalAttention, geluInPlace, layerNorm, matmul } from './cpu-ops';
import { hookNames } from './config';

export interface ForwardResult {
  /** [T, dVocab] */
  logits: Float32Array;
  /** captured hooks, each [T, width] (hook_pattern [T, nHeads, T]) */
  hooks: Map<string, Float32Array>;
}

export interface ForwardOptions {
  /** hooks to return; 'all' for every hook */
  capture?: Iterable<string> | 'all';
  /** replace a residual-stream style hook's value ([T, dModel] in, [T, dModel] out); used for SAE splicing */
  replace?: Map<string, (x: Float32Array) => Float32Array>;
}

export class ForwardInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardInputError';
  }
}

export function checkTokens(model: Model, tokens: ArrayLike<number>): void {
  const { dVocab, nCtx } = model.config;
  if (tokens.length === 0) throw new ForwardInputError('no tokens to run');
  if (tokens.length > nCtx) throw new ForwardInputError(`${tokens.length} tokens do not fit the model's context of ${nCtx}`);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!Number.isInteger(t) || t < 0 || t >= dVocab) throw new ForwardInputError(`token ${t} at position ${i} is outside the vocabulary 0..${dVocab - 1}`);
  }
}

export function cpuForward(model: Model, tokens: ArrayLike<number>, options: ForwardOptions = {}): ForwardResult {
  checkTokens(model, tokens);
  const { config: c, weights: w } = model;
  const T = tokens.length, d = c.dModel, hd = c.nHeads * c.dHead;
  const wanted = options.capture === 'all' ? new Set(hookNames(c)) : new Set(options.capture ?? []);
  for (const name of wanted) if (!hookNames(c).includes(name)) throw new ForwardInputError(`unknown hook "${name}"`);
  const hooks = new Map<string, Float32Array>();
  // Records a hook (after an optional replacement) and returns the value the model continues with.
  const hook = (name: string, x: Float32Array): Float32Array => {
    const y = options.replace?.get(name)?.(x) ?? x;
    if (wanted.has(name)) hooks.set(name, y.slice());
    return y;
  };

  const embed = new Float32Array(T * d); // [T, d]
  const pos = new Float32Array(T * d); // [T, d]
  for (let t = 0; t < T; t++) {
    embed.set(w.wE.subarray(tokens[t] * d, tokens[t] * d + d), t * d);
    pos.set(w.wPos.subarray(t * d, t * d + d), t * d);
  }
  let resid = add(hook('hook_embed', embed), hook('hook_pos_embed', pos)); // [T, d]

  w.layers.forEach((L, l) => {
    const b = `blocks.${l}`;
    resid = hook(`${b}.hook_resid_pre`, resid);
    const x1 = layerNorm(resid, T, d, L.ln1W, L.ln1B, c.eps); // [T, d]
    const q = matmul(x1, L.wQ, T, d, hd, L.bQ); // [T, H*dh]
    const k = matmul(x1, L.wK, T, d, hd, L.bK);
    const v = matmul(x1, L.wV, T, d, hd, L.bV);
    const { z, pattern } = causalAttention(q, k, v, T, c.nHeads, c.dHead);
    hook(`${b}.attn.hook_pattern`, pattern); // [T, H, T]
    const attnOut = hook(`${b}.hook_attn_out`, matmul(z, L.wO, T, hd, d, L.bO)); // [T, d]
    resid = hook(`${b}.hook_resid_mid`, add(resid, attnOut));
    const x2 = layerNorm(resid, T, d, L.ln2W, L.ln2B, c.eps);
    const post = hook(`${b}.mlp.hook_post`, geluInPlace(matmul(x2, L.wIn, T, d, c.dMlp, L.bIn), c.gelu)); // [T, d_mlp]
    const mlpOut = hook(`${b}.hook_mlp_out`, matmul(post, L.wOut, T, c.dMlp, d, L.bOut));
    resid = hook(`${b}.hook_resid_post`, add(resid, mlpOut));
  });

  const xf = hook('ln_final.hook_normalized', layerNorm(resid, T, d, w.lnFW, w.lnFB, c.eps));
  const logits = matmul(xf, w.wU, T, d, c.dVocab, w.bU); // [T, V]
  return { logits, hooks };
}

/** Row-wise softmax of logits [T, V]. */
export function softmaxRows(logits: Float32Array, V: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / V; r++) {
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, logits[r * V + i]);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += out[r * V + i] = Math.exp(logits[r * V + i] - max);
    for (let i = 0; i < V; i++) out[r * V + i] /= sum;
  }
  return out;
}
