// Weight-format adapters: TransformerLens and minGPT dicts made from the same weights load to the
// same model, through real safetensors bytes and HookedTransformerConfig JSON.
import { describe, expect, it } from 'vitest';
import { detectFormat, loadModel, toMinGptDict, toTransformerLensDict, WeightFormatError } from '../src/model/adapters';
import { parseModelConfig, toHookedTransformerConfig, ConfigError, type ModelConfig } from '../src/model/config';
import { cpuForward } from '../src/model/cpu-forward';
import { randomModel } from '../src/model/random';
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
    expect(() => detectFormat(['transformer.wte.weight'])).toThrow(/nanoGPT/);
    expect(() => detectFormat(['foo'])).toThrow(WeightFormatError);
  });
});
