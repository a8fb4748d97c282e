// The `forward` command end to end, as a user runs it: real files in, a safetensors file out,
// and one-line errors with exit code 2 for every kind of user mistake.
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, errorLines, ROOT } from './helpers/cli';
import { toGpt2Dict } from '../src/model/gpt2-adapter';
import { toTransformerLensDict } from '../src/model/adapters';
import { hookNames, toHookedTransformerConfig, type ModelConfig } from '../src/model/config';
import { randomModel } from '../src/model/random';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors';
import { maxRelError } from './helpers/gpu';

const FIXTURE_SAE = join(ROOT, '..', 'shared', 'fixtures', 'saelens-othello-6L128', 'L1_x8_512000');


// d_model 128 so the real SAE-Lens fixture (d_in 128, hook blocks.1.hook_resid_pre) fits.
const config: ModelConfig = { nLayers: 2, dModel: 128, nHeads: 4, dHead: 32, dMlp: 256, dVocab: 61, nCtx: 59, gelu: 'exact', normalization: 'LN', eps: 1e-5 };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(toTransformerLensDict(randomModel(config, 1))));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(toHookedTransformerConfig(config)));
  writeFileSync(join(dir, 'corrupt.safetensors'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
});

const base = () => ['forward', '--model', join(dir, 'model.safetensors'), '--config', join(dir, 'config.json'), '--game', 'othello'];

describe('cli forward', () => {
  it('writes logits, every hook and the SAE outputs; CPU and WebGPU agree', async () => {
    const outs: Record<string, Map<string, { shape: readonly number[]; data: Float32Array }>> = {};
    for (const backend of ['cpu', 'webgpu']) {
      const out = join(dir, `${backend}.safetensors`);
      const r = await cli(...base(), '--moves', 'd3 c5 f6 f5 e6', '--backend', backend, '--sae', FIXTURE_SAE, '--out', out);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/wrote \d+ tensors for 5 positions/);
      outs[backend] = readSafetensors(readFileSync(out)).tensors;
    }
    const cpu = outs.cpu, gpu = outs.webgpu;
    expect(cpu.get('logits')!.shape).toEqual([5, 61]);
    for (const name of hookNames(config)) expect(cpu.has(name), name).toBe(true);
    expect(cpu.get('blocks.0.attn.hook_pattern')!.shape).toEqual([5, 4, 5]);
    expect(cpu.get('sae.hook_sae_acts_post')!.shape).toEqual([5, 1024]);
    expect(cpu.get('sae.hook_sae_output')!.shape).toEqual([5, 128]);
    for (const [name, t] of cpu) expect(maxRelError(gpu.get(name)!.data, t.data), name).toBeLessThan(1e-4);
  });

  it('accepts --tokens and the default webgpu backend', async () => {
    const out = join(dir, 'tokens.safetensors');
    const r = await cli(...base(), '--tokens', '20,21,34 19', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/WebGPU/);
    expect(readSafetensors(readFileSync(out)).tensors.get('logits')!.shape).toEqual([4, 61]);
  });

  it('rejects an SAE folder that matches no known format', async () => {
    const sae = join(dir, 'dl');
    mkdirSync(sae, { recursive: true });
    // an SAE-Lens folder copied under dictionary_learning names is rejected with a clear message
    copyFileSync(join(FIXTURE_SAE, 'sae_weights.safetensors'), join(sae, 'ae.safetensors'));
    const r = await cli(...base(), '--moves', 'd3', '--backend', 'cpu', '--sae', sae, '--sae-hook', 'blocks.0.hook_resid_post', '--out', join(dir, 'x.safetensors'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: dictionary_learning SAE: no encoder weights (expected "encoder.weight" or "W_enc")');
  });

  const mistakes: Array<[string, string[], RegExp]> = [
    ['missing model file', ['--model', '/nonexistent/m.safetensors'], /cannot read model "\/nonexistent\/m.safetensors": no such file/],
    ['corrupt model file', ['--model', 'CORRUPT'], /model "[^"]+": header length/],
    ['illegal move', ['--moves', 'd3 a1'], /move 2: illegal move a1 for white/],
    ['malformed move', ['--moves', 'd3 zz'], /cannot read a move at "zz"/],
    ['too many moves', ['--tokens', Array(60).fill(1).join(',')], /60 moves do not fit the model's context of 59/],
    ['unknown hook', ['--moves', 'd3', '--sae', FIXTURE_SAE, '--sae-hook', 'blocks.7.hook_resid_post'], /unknown hook "blocks.7.hook_resid_post"/],
    ['shape mismatch', ['--moves', 'd3', '--sae', FIXTURE_SAE, '--sae-hook', 'blocks.0.mlp.hook_post'], /shape mismatch: the SAE's d_in is 128 but blocks.0.mlp.hook_post has width 256/],
    ['unknown option', ['--moves', 'd3', '--colour', 'red'], /unknown option --colour/],
    ['bad backend', ['--moves', 'd3', '--backend', 'tpu'], /--backend must be cpu or webgpu/],
  ];
  for (const [what, args, message] of mistakes) {
    it(`${what}: one clear line, exit code 2`, async () => {
      const argv = base();
      const modelIdx = argv.indexOf('--model') + 1;
      const extra = [...args];
      const mi = extra.indexOf('--model');
      if (mi >= 0) {
        argv[modelIdx] = extra[mi + 1] === 'CORRUPT' ? join(dir, 'corrupt.safetensors') : extra[mi + 1];
        extra.splice(mi, 2);
        extra.push('--moves', 'd3');
      }
      const r = await cli(...argv, '--backend', extra.includes('--backend') ? extra.splice(extra.indexOf('--backend'), 2)[1] : 'cpu', ...extra, '--out', join(dir, 'err.safetensors'));
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('nodedir') && !l.startsWith('Warning'));
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(message);
    });
  }
});

describe('forward --game chess', () => {
  // a nanoGPT-layout chess model (32-character vocabulary, GPT-2 shapes, no biases written)
  const chess: ModelConfig = { nLayers: 1, dModel: 32, nHeads: 4, dHead: 8, dMlp: 64, dVocab: 32, nCtx: 48, gelu: 'tanh', normalization: 'LN', eps: 1e-5 };
  let cdir: string;
  beforeAll(() => {
    cdir = mkdtempSync(join(tmpdir(), 'chess-cli-'));
    writeFileSync(join(cdir, 'model.safetensors'), writeSafetensors(toGpt2Dict(randomModel(chess, 2), 'nanogpt', { prefix: '_orig_mod.' })));
    writeFileSync(join(cdir, 'config.json'), JSON.stringify(toHookedTransformerConfig(chess)));
  });
  const args = () => ['forward', '--model', join(cdir, 'model.safetensors'), '--config', join(cdir, 'config.json'), '--game', 'chess'];

  it('runs a PGN as its transcript on both backends', async () => {
    for (const backend of ['cpu', 'webgpu']) {
      const out = join(cdir, `${backend}.safetensors`);
      const r = await cli(...args(), '--pgn', '[Event "x"]\n1. e4 {book} e5 2. Nf3 *', '--backend', backend, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(readSafetensors(readFileSync(out)).tensors.get('logits')!.shape).toEqual([';1.e4 e5 2.Nf3'.length, 32]);
    }
  });

  it('names an illegal move, and refuses an Othello model or a transcript longer than the context', async () => {
    const illegal = await cli(...args(), '--pgn', '1. e4 e5 2. Ke3', '--out', join(cdir, 'x.safetensors'));
    expect(errorLines(illegal.stderr)).toEqual(['error: --pgn: move 2. "Ke3" is not legal in this position']);
    const othello = await cli('forward', '--model', join(dir, 'model.safetensors'), '--config', join(dir, 'config.json'), '--game', 'chess', '--pgn', '1. e4', '--out', join(cdir, 'x.safetensors'));
    expect(errorLines(othello.stderr)[0]).toMatch(/32-character vocabulary; this model's d_vocab is 61/);
    const long = await cli(...args(), '--pgn', '1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 4. Ba4 Nf6 5. O-O Be7 6. Re1 b5', '--out', join(cdir, 'x.safetensors'));
    expect(errorLines(long.stderr)[0]).toMatch(/characters; the model's context is 48/);
  });
});
