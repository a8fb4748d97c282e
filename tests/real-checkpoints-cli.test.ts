// Every model file in ../shared/fixtures/torch-written/ (written by torch.save / Hugging Face in the
// layouts of the field's real checkpoints) opens through the CLI with no config, or with its own
// Hugging Face config.json, and gives the expected logits and residuals of an independent torch forward.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors';
import { readStateDict } from '../src/model/model-file';
import { transposeData } from '../src/tensor/tensor';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cli, errorLines } from './helpers/cli';

const TW = join(__dirname, '..', '..', 'shared', 'fixtures', 'torch-written');
const inputs = JSON.parse(readFileSync(join(TW, 'inputs.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const expected = (folder: string, name: string) => JSON.parse(readFileSync(join(TW, folder, `${name}.json`), 'utf8')) as { shape: number[]; data: number[] };

/** Largest |a - b| over the largest |b| (float32 weights: 1e-4). */
function relError(a: Float32Array, b: number[]): number {
  let diff = 0, scale = 0;
  b.forEach((v, i) => { diff = Math.max(diff, Math.abs(a[i] - v)); scale = Math.max(scale, Math.abs(v)); });
  return diff / scale;
}

const CASES: Array<[string, string, 'othello' | 'chess', string[]]> = [
  ['mingpt-othello-small', 'final.pth', 'othello', ['--n-heads', '4']],
  ['mingpt-othello-small', 'final_legacy.pth', 'othello', ['--n-heads', '4']],
  ['tl-othello-small', 'synthetic_model.pth', 'othello', []],
  ['nanogpt-chess-small', 'lichess_2layers_ckpt_no_optimizer.pt', 'chess', []],
  ['nanogpt-chess-small', 'ckpt_no_optimizer_legacy.pt', 'chess', []],
  ['hf-gpt2-chess-small', 'pytorch_model.bin', 'chess', ['--config', join(TW, 'hf-gpt2-chess-small', 'config.json')]],
  ['hf-gpt2-chess-small', 'model.safetensors', 'chess', ['--config', join(TW, 'hf-gpt2-chess-small', 'config.json')]],
];

describe('the field\'s checkpoint layouts through `forward`', () => {
  for (const [folder, file, game, extra] of CASES) {
    it(`${folder}/${file}`, async () => {
      const out = join(dir, `${file}.safetensors`);
      const input = game === 'othello' ? ['--tokens', inputs.othello_tokens.join(',')] : ['--pgn', inputs.chess_text.slice(1)];
      const r = await cli('forward', '--model', join(TW, folder, file), '--game', game, ...input, ...extra, '--backend', 'cpu', '--out', out);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const got = readSafetensors(new Uint8Array(readFileSync(out))).tensors;
      const logits = expected(folder, 'expected_logits');
      expect(got.get('logits')!.shape).toEqual(logits.shape);
      const errors = [relError(got.get('logits')!.data, logits.data), ...[0, 1].map((l) => relError(got.get(`blocks.${l}.hook_resid_post`)!.data, expected(folder, `expected_resid_post_${l}`).data))];
      console.log(`[checkpoint] ${folder}/${file}: logits ${errors[0].toExponential(2)}, resid_post 0/1 ${errors[1].toExponential(2)} / ${errors[2].toExponential(2)}`);
      for (const e of errors) expect(e).toBeLessThan(1e-4);
    });
  }

  it('a minGPT file without --n-heads, and a GPT-2 dict without its config.json, ask for the head count in one line', async () => {
    for (const [folder, file, game] of [['mingpt-othello-small', 'final.pth', 'othello'], ['hf-gpt2-chess-small', 'pytorch_model.bin', 'chess']]) {
      const input = game === 'othello' ? ['--tokens', '20,21'] : ['--pgn', '1.e4'];
      const r = await cli('forward', '--model', join(TW, folder, file), '--game', game, ...input, '--backend', 'cpu', '--out', join(dir, 'x.safetensors'));
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/does not say how many attention heads it has: give the number \(--n-heads; Li et al.'s Othello-GPT uses 8/);
    }
  });
});

const DL = join(TW, 'dl-saes-othello');
const OTHELLO_MODEL = ['--model', join(TW, 'mingpt-othello-small', 'final.pth'), '--n-heads', '4', '--game', 'othello', '--tokens', inputs.othello_tokens.join(',')];

/** A 2024-07 TopK SAE: the decoder a bare [F, d] parameter, k only in config.json (made from the 2024-12 file's weights). */
function topk202407(): string {
  const src = readStateDict(new Uint8Array(readFileSync(join(DL, 'othello-trained_model-layer_1-topk_2024-12/trainer0/ae.pt')))).dict;
  const dec = src.get('decoder.weight')!; // [d, F]
  const [d, F] = dec.shape;
  const folder = join(dir, 'topk_2024-07');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'ae.safetensors'), writeSafetensors([
    ['encoder.weight', src.get('encoder.weight')!], ['encoder.bias', src.get('encoder.bias')!],
    ['decoder', { shape: [F, d], data: transposeData(dec.data, d, F) }], ['b_dec', src.get('b_dec')!],
  ]));
  const config = JSON.parse(readFileSync(join(DL, 'othello-trained_model-layer_1-topk_2024-12/trainer0/config.json'), 'utf8'));
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

describe('the paper\'s dictionary_learning SAEs (ae.pt + config.json) with the paper\'s residual convention', () => {
  const kinds: Array<[string, () => string, string]> = [
    ['standard (zip)', () => join(DL, 'othello-trained_model-layer_1-standard/trainer0'), 'othello-trained_model-layer_1-standard'],
    ['gated', () => join(DL, 'othello-trained_model-layer_1-gated/trainer0'), 'othello-trained_model-layer_1-gated'],
    ['TopK 2024-12 (int64 k and threshold buffers)', () => join(DL, 'othello-trained_model-layer_1-topk_2024-12/trainer0'), 'othello-trained_model-layer_1-topk_2024-12'],
    ['TopK 2024-07 (bare decoder, k in config.json)', topk202407, 'othello-trained_model-layer_1-topk_2024-12'],
  ];
  for (const [label, folder, expectedFrom] of kinds) {
    it(`${label}: centred automatically from lm_name, raw when asked`, async () => {
      for (const residual of ['auto', 'raw'] as const) {
        const out = join(dir, `sae-${residual}.safetensors`);
        const r = await cli('forward', ...OTHELLO_MODEL, '--sae', folder(), '--backend', 'cpu', ...(residual === 'raw' ? ['--residual', 'raw'] : []), '--out', out);
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain(residual === 'raw' ? 'raw weights: the residual stream is not centred, as asked' : 'TransformerLens-processed weights: the residual stream is centred, the SAE was trained on Baidicoot/Othello-GPT-Transformer-Lens');
        const got = readSafetensors(new Uint8Array(readFileSync(out)));
        expect(got.metadata.sae_hook).toBe('blocks.1.hook_resid_post');
        const suffix = residual === 'raw' ? 'raw' : 'centred';
        const acts = JSON.parse(readFileSync(join(DL, expectedFrom, 'trainer0', `expected_acts_${suffix}.json`), 'utf8'));
        const recon = JSON.parse(readFileSync(join(DL, expectedFrom, 'trainer0', `expected_recon_${suffix}.json`), 'utf8'));
        const ea = relError(got.tensors.get('sae.hook_sae_acts_post')!.data, acts.data), er = relError(got.tensors.get('sae.hook_sae_output')!.data, recon.data);
        console.log(`[checkpoint] SAE ${label}, ${suffix}: acts ${ea.toExponential(2)}, recon ${er.toExponential(2)}`);
        expect(ea).toBeLessThan(1e-4);
        expect(er).toBeLessThan(1e-4);
      }
    });
  }

  it('the processed weights predict what the raw ones do, with a centred residual stream', async () => {
    const out = join(dir, 'centred.safetensors');
    const r = await cli('forward', ...OTHELLO_MODEL, '--residual', 'centred', '--backend', 'cpu', '--out', out);
    expect(r.code).toBe(0);
    const got = readSafetensors(new Uint8Array(readFileSync(out))).tensors;
    const V = 61, d = 64, logits = expected('mingpt-othello-small', 'expected_logits').data;
    const lse = (row: ArrayLike<number>) => { const m = Math.max(...Array.from(row)); return m + Math.log(Array.from(row).reduce((s, v) => s + Math.exp(v - m), 0)); };
    let worst = 0;
    for (let t = 0; t < 13; t++) {
      const a = got.get('logits')!.data.subarray(t * V, (t + 1) * V), b = logits.slice(t * V, (t + 1) * V);
      const la = lse(a), lb = lse(b);
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs((a[v] - la) - (b[v] - lb)));
    }
    expect(worst).toBeLessThan(1e-4);
    const raw = expected('mingpt-othello-small', 'expected_resid_post_1').data;
    const mine = got.get('blocks.1.hook_resid_post')!.data;
    const centred = raw.map((v, i) => { const t = Math.floor(i / d); let m = 0; for (let j = 0; j < d; j++) m += raw[t * d + j]; return v - m / d; });
    expect(relError(mine, centred)).toBeLessThan(1e-4);
  });

  it('`metrics` on the paper\'s SAE runs on the centred stream too, and says so', async () => {
    const out = join(dir, 'metrics.json');
    const r = await cli('metrics', '--model', join(TW, 'mingpt-othello-small', 'final.pth'), '--n-heads', '4', '--sae', join(DL, 'othello-trained_model-layer_1-standard/trainer0'),
      '--hook', 'blocks.1.hook_resid_post', '--game', 'othello', '--train-games', '16', '--test-games', '16', '--loss-games', '4', '--backend', 'cpu', '--out', out);
    expect(errorLines(r.stderr)).toEqual([]); // stderr carries progress lines
    expect(r.stdout).toContain('TransformerLens-processed weights: the residual stream is centred, the SAE was trained on Baidicoot/Othello-GPT-Transformer-Lens');
    const m = JSON.parse(readFileSync(out, 'utf8'));
    expect(m.residual).toBe('centred');
    expect(m.l0).toBeGreaterThan(0);
  });

  it('a hostile checkpoint (torch.save of an object whose pickle calls os.system) is refused in one line, exit 2, and runs nothing', async () => {
    const evil = join(dir, 'evil.pth'), marker = join(dir, 'pwned');
    execFileSync('/usr/bin/python3', ['-c', `
import os, sys, torch
class Evil:
    def __reduce__(self):
        return (os.system, ('touch ' + sys.argv[2],))
torch.save({'embed.W_E': torch.zeros(2, 2), 'payload': Evil()}, sys.argv[1])
`, evil, marker]);
    expect(existsSync(marker)).toBe(false);
    const r = await cli('forward', '--model', evil, '--game', 'othello', '--tokens', '20', '--backend', 'cpu', '--out', join(dir, 'x.safetensors'));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/refused: the file asks for the Python global "posix\.system"; only tensors and plain data/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a config with fewer layers than the weights is refused, not silently truncated', async () => {
    const cfg = join(dir, 'one-layer.json');
    writeFileSync(cfg, JSON.stringify({ ...JSON.parse(readFileSync(join(TW, 'tl-othello-small', 'hooked_transformer_config.json'), 'utf8')), n_layers: 1 }));
    const r = await cli('forward', '--model', join(TW, 'tl-othello-small', 'synthetic_model.pth'), '--config', cfg, '--game', 'othello', '--tokens', '20', '--backend', 'cpu', '--out', join(dir, 'x.safetensors'));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/tensors this 1-layer config does not use \(e\.g\. "blocks\.1\./);
  });
});

