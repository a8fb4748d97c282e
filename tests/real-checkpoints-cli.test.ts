// Every model file in ../shared/fixtures/torch-written/ (written by torch.save / Hugging Face in the
// layouts of the field's real checkpoints) opens through the CLI with no config, or with its own
// Hugging Face config.json, and gives the expected logits and residuals of an independent torch forward.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../src/tensor/safetensors';
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
      expect(relError(got.get('logits')!.data, logits.data)).toBeLessThan(1e-4);
      for (const l of [0, 1]) {
        const resid = expected(folder, `expected_resid_post_${l}`);
        expect(relError(got.get(`blocks.${l}.hook_resid_post`)!.data, resid.data)).toBeLessThan(1e-4);
      }
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
