// Weight-format adapters: TransformerLens and minGPT dicts made from the same weights load to the
// same model, through real safetensors bytes and HookedTransformerConfig JSON.
import { describe, expect, it } from 'vitest';
import { detectFormat, loadModel, toMinGptDict, toTransformerLensDict, WeightFormatError } from '../src/model/adapters';
import { parseModelConfig, toHookedTransformerConfig, ConfigError, type ModelConfig } from '../src/model/config';
import { cpuForward } from '../src/model/cpu-forward';
import { randomModel } from '../src/model/random';
import { toGpt2Dict } from '../src/model/gpt2-adapter';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors';

const ln: ModelConfig = { nLayers: 2, dModel: 24, nHeads: 3, dHead: 5, dMlp: 40, dVocab: 61, nCtx: 59, gelu: 'exact', normalization: 'LN', eps: 1e-5 };
const roundTrip = (dict: Map<string, { shape: readonly number[]; data: Float32Array }>) => readSafetensors(writeSafetensors(dict)).tensors;
const tokens = [20, 21, 34, 19, 13, 40, 47, 28, 12, 41, 35, 5, 10];

describe('model formats', () => {
  it('TransformerLens and minGPT files of the same weights give identical logits', () => {
    const model = randomModel(ln, 3);
    model.weights.bU.fill(0); // minGPT's head has no bias
    const want = cpuForward(model, tokens).logits;
    const cfg = toHookedTransformerConfig(ln);
    const tl = loadModel(roundTrip(toTransformerLensDict(model)), cfg);
    const mg = loadModel(roundTrip(toMinGptDict(model)), cfg);
    expect(tl.format).toBe('transformer_lens');
    expect(mg.format).toBe('mingpt');
    expect(cpuForward(tl, tokens).logits).toEqual(want);
    expect(cpuForward(mg, tokens).logits).toEqual(want);
  });

  it('loads processed LNPre dicts without LayerNorm parameters, and a tied unembedding', () => {
    const cfg: ModelConfig = { ...ln, normalization: 'LNPre', gelu: 'tanh' };
    const model = randomModel(cfg, 4);
    const dict = toTransformerLensDict(model);
    expect([...dict.keys()].some((k) => k.includes('ln'))).toBe(false);
    const loaded = loadModel(roundTrip(dict), toHookedTransformerConfig(cfg));
    expect(cpuForward(loaded, tokens).logits).toEqual(cpuForward(model, tokens).logits);
    dict.delete('unembed.W_U');
    dict.delete('unembed.b_U');
    const tied = loadModel(dict, toHookedTransformerConfig(cfg));
    expect(tied.weights.wU[1]).toBe(model.weights.wE[cfg.dModel]); // W_U = W_E^T
  });

  it('reads HookedTransformerConfig field names and derives defaults', () => {
    const c = parseModelConfig({ n_layers: 8, d_model: 512, n_heads: 8, d_vocab: 61, n_ctx: 59, act_fn: 'gelu_new' });
    expect(c).toMatchObject({ dHead: 64, dMlp: 2048, gelu: 'tanh', normalization: 'LN', eps: 1e-5 });
    expect(() => parseModelConfig({ ...toHookedTransformerConfig(ln), act_fn: 'relu' })).toThrow(/act_fn "relu"/);
    expect(() => parseModelConfig({ ...toHookedTransformerConfig(ln), n_layers: 0 })).toThrow(ConfigError);
    expect(() => parseModelConfig('nope')).toThrow(/not a JSON object/);
  });

  it('explains mismatches between config and weights', () => {
    const model = randomModel(ln, 5);
    const dict = toTransformerLensDict(model);
    expect(() => loadModel(dict, { ...toHookedTransformerConfig(ln), d_mlp: 41 })).toThrow(/"blocks.0.mlp.W_in" has shape \[24, 40\], the config needs \[24, 41\]/);
    expect(() => loadModel(dict, { ...toHookedTransformerConfig(ln), normalization_type: 'LNPre' })).toThrow(/use "LN"/);
    dict.delete('blocks.1.attn.W_K');
    expect(() => loadModel(dict, toHookedTransformerConfig(ln))).toThrow(/missing "blocks.1.attn.W_K"/);
    expect(detectFormat(['transformer.wte.weight'])).toBe('gpt2');
    expect(() => detectFormat(['foo.weight'])).toThrow(/nanoGPT \/ GPT-2 keys/);
    expect(() => detectFormat(['foo'])).toThrow(WeightFormatError);
  });
});

describe('nanoGPT and Hugging Face GPT-2 layouts (spec 1.4(c)(d))', () => {
  // GPT-2 shapes: n_heads * d_head = d_model; nanoGPT chess models have no biases and a tied head.
  const c: ModelConfig = { nLayers: 2, dModel: 32, nHeads: 4, dHead: 8, dMlp: 128, dVocab: 32, nCtx: 40, gelu: 'tanh', normalization: 'LN', eps: 1e-5 };
  const tokens = [15, 6, 4, 27, 9, 0, 25, 10, 0, 7, 4, 19];
  const roundTrip = (dict: Map<string, import('../src/tensor/tensor').Tensor>) =>
    loadModel(readSafetensors(writeSafetensors(dict)).tensors, toHookedTransformerConfig(c));

  it('the same weights as nanoGPT (Linear [out,in], _orig_mod., no biases, tied head) and as HF GPT-2 (Conv1D [in,out]) give identical logits', () => {
    const m = randomModel(c, 4);
    // a nanoGPT model has no biases: zero them, and tie the head to the embedding
    for (const L of m.weights.layers) for (const k of ['ln1B', 'ln2B', 'bQ', 'bK', 'bV', 'bO', 'bIn', 'bOut'] as const) L[k].fill(0);
    m.weights.lnFB.fill(0); m.weights.bU.fill(0);
    for (let v = 0; v < c.dVocab; v++) for (let i = 0; i < c.dModel; i++) m.weights.wU[i * c.dVocab + v] = m.weights.wE[v * c.dModel + i];
    const nano = roundTrip(toGpt2Dict(m, 'nanogpt', { prefix: '_orig_mod.' }));
    const hf = roundTrip(toGpt2Dict(m, 'hf_gpt2'));
    expect(nano.format).toBe('nanogpt');
    expect(hf.format).toBe('hf_gpt2');
    const want = cpuForward(m, tokens).logits;
    expect(Array.from(cpuForward(nano, tokens).logits)).toEqual(Array.from(want));
    expect(Array.from(cpuForward(hf, tokens).logits)).toEqual(Array.from(want));
  });

  it('HF GPT-2 with biases loads every bias; the GELU variant comes from the config', () => {
    const m = randomModel(c, 5);
    m.weights.bU.fill(0); // GPT-2 has no unembedding bias
    const hf = roundTrip(toGpt2Dict(m, 'hf_gpt2'));
    expect(Array.from(hf.weights.layers[1].bV)).toEqual(Array.from(m.weights.layers[1].bV));
    expect(Array.from(cpuForward(hf, tokens).logits)).toEqual(Array.from(cpuForward(m, tokens).logits));
    const exact = loadModel(toGpt2Dict(m, 'hf_gpt2'), toHookedTransformerConfig({ ...c, gelu: 'exact' }));
    expect(Array.from(cpuForward(exact, tokens).logits)).not.toEqual(Array.from(cpuForward(m, tokens).logits));
  });

  it('a missing or misshapen tensor is named', () => {
    const dict = toGpt2Dict(randomModel(c, 6), 'nanogpt');
    dict.delete('transformer.h.1.mlp.c_fc.weight');
    expect(() => loadModel(dict, toHookedTransformerConfig(c))).toThrow(/missing "transformer.h.1.mlp.c_fc.weight"/);
    expect(() => loadModel(toGpt2Dict(randomModel(c, 6), 'hf_gpt2'), toHookedTransformerConfig({ ...c, nCtx: 64 }))).toThrow(WeightFormatError);
  });
});
