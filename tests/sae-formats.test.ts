// SAE readers: the real SAE-Lens files in ../shared/fixtures and dictionary_learning state dicts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { randomArray } from '../src/model/random';
import { cpuSae } from '../src/sae/cpu';
import { loadSaeFiles, parseDictionaryLearning, toDictionaryLearningDict } from '../src/sae/formats';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors';
import type { Sae, SaeKind } from '../src/sae/types';
import { maxRelError } from './helpers/gpu';
import { randomSae } from './helpers/sae';

const FIXTURES = join(__dirname, '..', '..', 'shared', 'fixtures', 'saelens-othello-6L128');
const folderFiles = (dir: string) => new Map(readdirSync(dir).map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));

describe('SAE-Lens fixtures (written by SAE-Lens 3.4.0)', () => {
  const dirs = readdirSync(FIXTURES).filter((d) => /^L\d+_x\d+_/.test(d));
  it('finds all eight SAEs', () => expect(dirs.length).toBe(8));
  for (const dir of dirs) {
    it(`${dir} loads and matches a direct CPU computation`, () => {
      const sae = loadSaeFiles(folderFiles(join(FIXTURES, dir)));
      const cfg = JSON.parse(readFileSync(join(FIXTURES, dir, 'cfg.json'), 'utf8'));
      const [, layer, expansion] = /^L(\d+)_x(\d+)_/.exec(dir)!;
      expect(sae).toMatchObject({ kind: 'relu', format: 'saelens', dIn: 128, dSae: 128 * Number(expansion), subtractDecoderBias: false });
      expect(sae.hookName).toBe(`blocks.${layer}.hook_resid_pre`);
      expect(cfg.d_sae).toBe(sae.dSae);
      // Direct computation from the raw tensors: acts_j = relu(sum_i x_i W_enc[i, j] + b_enc[j]), x̂ = acts W_dec + b_dec.
      const raw = readSafetensors(readFileSync(join(FIXTURES, dir, 'sae_weights.safetensors'))).tensors;
      const W_enc = raw.get('W_enc')!.data, b_enc = raw.get('b_enc')!.data, W_dec = raw.get('W_dec')!.data, b_dec = raw.get('b_dec')!.data;
      const N = 5, d = 128, F = sae.dSae;
      const x = randomArray(N * d, 2, mulberry32(F));
      const out = cpuSae(sae, x, N);
      for (let n = 0; n < N; n++) {
        const acts = new Float64Array(F);
        for (let j = 0; j < F; j++) {
          let s = b_enc[j];
          for (let i = 0; i < d; i++) s += x[n * d + i] * W_enc[i * F + j];
          acts[j] = Math.max(0, s);
        }
        expect(maxRelError(out.acts.subarray(n * F, (n + 1) * F), acts)).toBeLessThan(1e-5);
        const recon = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          let s = b_dec[i];
          for (let j = 0; j < F; j++) s += acts[j] * W_dec[j * d + i];
          recon[i] = s;
        }
        expect(maxRelError(out.recon.subarray(n * d, (n + 1) * d), recon)).toBeLessThan(1e-5);
      }
      expect(out.acts.some((v) => v > 0)).toBe(true);
    });
  }

  it('rejects a broken SAE-Lens folder clearly', () => {
    const files = folderFiles(join(FIXTURES, 'L4_x1_512000'));
    files.set('cfg.json', new TextEncoder().encode('{"d_in": 128, "d_sae": 256}'));
    expect(() => loadSaeFiles(files)).toThrow(/"W_enc" has shape \[128, 128\], expected \[128, 256\]/);
    files.set('cfg.json', new TextEncoder().encode('{oops'));
    expect(() => loadSaeFiles(files)).toThrow(/cfg.json is not valid JSON/);
    expect(() => loadSaeFiles(new Map())).toThrow(/no SAE found/);
  });
});

describe('dictionary_learning state dicts', () => {
  const expected: Record<SaeKind, string> = { relu: 'AutoEncoder', gated: 'GatedAutoEncoder', topk: 'AutoEncoderTopK', jumprelu: 'JumpReluAutoEncoder' };
  for (const kind of Object.keys(expected) as SaeKind[]) {
    it(`infers ${expected[kind]} from its keys and computes the same outputs`, () => {
      const sae = randomSae(kind, 16, 40, 9, kind !== 'jumprelu');
      if (kind === 'relu') normalise(sae);
      const bytes = writeSafetensors(toDictionaryLearningDict(sae));
      const loaded = loadSaeFiles(new Map([['ae.safetensors', bytes], ['config.json', new TextEncoder().encode('{"trainer": {"layer": 5}}')]]));
      expect(loaded.kind).toBe(kind);
      expect(loaded.sourceClass).toBe(expected[kind]);
      expect(loaded.hookName).toBe('blocks.5.hook_resid_post');
      const x = randomArray(7 * 16, 1, mulberry32(2));
      expect(maxRelError(cpuSae(loaded, x, 7).recon, cpuSae(sae, x, 7).recon)).toBeLessThan(1e-6);
    });
  }

  it('normalises decoder columns of a ReLU AutoEncoder without changing its output', () => {
    const sae = randomSae('relu', 16, 40, 11);
    const dict = toDictionaryLearningDict(sae);
    const loaded = parseDictionaryLearning(dict);
    for (let f = 0; f < 40; f++) {
      let n = 0;
      for (let i = 0; i < 16; i++) n += loaded.wDec[f * 16 + i] ** 2;
      expect(Math.sqrt(n)).toBeCloseTo(1, 5);
    }
    const x = randomArray(5 * 16, 1, mulberry32(3));
    expect(maxRelError(cpuSae(loaded, x, 5).recon, cpuSae(sae, x, 5).recon)).toBeLessThan(1e-5);
  });

  it('reports missing tensors and unsupported classes', () => {
    const dict = toDictionaryLearningDict(randomSae('gated', 8, 16, 1));
    dict.delete('mag_bias');
    expect(() => parseDictionaryLearning(dict)).toThrow(/missing tensor "mag_bias"/);
    const newer = toDictionaryLearningDict(randomSae('relu', 8, 16, 1));
    newer.set('decoder.bias', { shape: [8], data: new Float32Array(8) });
    expect(() => parseDictionaryLearning(newer)).toThrow(/AutoEncoderNew/);
    expect(() => parseDictionaryLearning(new Map())).toThrow(/no encoder weights/);
  });
});

function normalise(sae: Sae): void {
  for (let f = 0; f < sae.dSae; f++) {
    let n = 0;
    for (let i = 0; i < sae.dIn; i++) n += sae.wDec[f * sae.dIn + i] ** 2;
    for (let i = 0; i < sae.dIn; i++) sae.wDec[f * sae.dIn + i] /= Math.sqrt(n);
  }
}

describe('SAE files that lie', () => {
  const weights = (d: number, F: number) => writeSafetensors([
    ['W_enc', { shape: [d, F], data: new Float32Array(d * F) }], ['W_dec', { shape: [F, d], data: new Float32Array(F * d) }],
    ['b_enc', { shape: [F], data: new Float32Array(F) }], ['b_dec', { shape: [d], data: new Float32Array(d) }],
  ]);
  const lens = (cfg: Record<string, unknown>, d = 4, F = 8) => new Map([['cfg.json', new TextEncoder().encode(JSON.stringify({ d_in: d, d_sae: F, ...cfg }))], ['sae_weights.safetensors', weights(d, F)]]);
  const refusal = (files: Map<string, Uint8Array>) => { try { loadSaeFiles(files); } catch (e) { return (e as Error).message; } return 'accepted'; };
  it('objects where strings belong, a zero width, a hook name with a newline, a negative layer', () => {
    expect(refusal(lens({ architecture: { toString: 'x' } }))).toMatch(/"architecture" must be a string \(got an object\)/);
    expect(refusal(lens({ normalize_activations: { a: 1 } }))).toMatch(/normalize_activations an object is not supported/);
    expect(refusal(lens({ apply_b_dec_to_input: 'yes' }))).toMatch(/"apply_b_dec_to_input" must be a boolean/);
    expect(refusal(lens({ hook_name: 'blocks.0.hook_resid_post\nat x' }))).toMatch(/is not a hook name/);
    expect(refusal(lens({ d_in: 0 }))).toMatch(/needs integers d_in in 1\.\./);
    const dl = new Map([['ae.safetensors', writeSafetensors([['encoder.weight', { shape: [8, 4], data: new Float32Array(32) }], ['encoder.bias', { shape: [8], data: new Float32Array(8) }], ['decoder.weight', { shape: [4, 8], data: new Float32Array(32) }], ['bias', { shape: [4], data: new Float32Array(4) }]])],
      ['config.json', new TextEncoder().encode(JSON.stringify({ trainer: { layer: -7 } }))]]);
    expect(loadSaeFiles(dl).hookName).toBeUndefined(); // a layer of -7 names no hook; the user is asked for one
  });
});
