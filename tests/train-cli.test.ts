// train-model and eval as a user runs them: exact resume after a stop, clear config errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, errorLines as errorLine, ROOT } from './helpers/cli';
import { readSafetensors } from '../src/tensor/safetensors';


const tiny = {
  model: { n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 61, n_ctx: 59 },
  batch: 2, steps: 12, lr: 0.003, warmup_steps: 2, checkpoint_minutes: 1,
};

describe('train-model', () => {
  it('trains a chess model on generated transcripts and evals its greedy moves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-chess-'));
    const cfg = join(dir, 'chess.json');
    writeFileSync(cfg, JSON.stringify({ ...tiny, game: 'chess', steps: 4, model: { ...tiny.model, d_vocab: 32, n_ctx: 48 } }));
    const r = await cli('train-model', '--config', cfg, '--out', join(dir, 'run'));
    expect(r.stdout).toMatch(/step 4: greedy next move legal at \d+\.\d\d% of \d+ held-out positions[\s\S]*finished at step 4/);
    const ev = await cli('eval', '--model', join(dir, 'run', 'model.safetensors'), '--config', join(dir, 'run', 'config.json'), '--game', 'chess', '--games', '10', '--out', join(dir, 'e.json'));
    expect(ev.stdout).toMatch(/positions 10: greedy next move legal \d+\.\d\d%/);
    const e = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8'));
    expect(e.positions).toBe(10);
    expect(e.legal_greedy).toBe(e.legal / 10);
    const wrong = await cli('eval', '--model', join(dir, 'run', 'model.safetensors'), '--config', join(dir, 'run', 'config.json'), '--game', 'othello', '--games', '2');
    expect(errorLine(wrong.stderr)[0]).toMatch(/needs a 61-token Othello model/);
  });

  it('Ctrl-C in a terminal (SIGINT to npm and all its children) saves the run before exiting', async () => {
    // chess batches are generated synchronously for tens of ms per step: a launcher that kills a
    // child that does not answer its signal within milliseconds would lose the run here
    const dir = mkdtempSync(join(tmpdir(), 'train-int-'));
    const cfg = join(dir, 'run.json');
    writeFileSync(cfg, JSON.stringify({ ...tiny, game: 'chess', batch: 64, steps: 100000, model: { ...tiny.model, d_vocab: 32, n_ctx: 256 } }));
    const child = spawn('npm', ['run', '--silent', 'cli', '--', 'train-model', '--config', cfg, '--out', join(dir, 'run')], { cwd: ROOT, detached: true });
    let stdout = '', stderr = '', done = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    // 'close' waits for every process holding the output pipe, so for the trainer itself
    const closed = new Promise<void>((resolve) => child.on('close', () => { done = true; resolve(); }));
    while (!done && !/step 10\//.test(stdout)) await new Promise((r) => setTimeout(r, 50)); // a run that fails early ends the wait
    if (!done) process.kill(-child.pid!, 'SIGINT');
    await closed; // npm itself may die of the signal; what matters is that the trainer saved
    const stopped = Number(/stopped at step (\d+)/.exec(stdout)?.[1]);
    expect(stopped, stderr).toBeGreaterThanOrEqual(10);
    const ck = readSafetensors(readFileSync(join(dir, 'run', 'checkpoint.safetensors')));
    expect(ck.metadata.step).toBe(String(stopped));
  });

  it('a run stopped and resumed ends bit-identical to an uninterrupted one, with progress lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const cfg = join(dir, 'run.json');
    writeFileSync(cfg, JSON.stringify(tiny));
    const a = await cli('train-model', '--config', cfg, '--out', join(dir, 'a'));
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/step 10\/12 {2}loss \d+\.\d+ {2}grad-norm \d+\.\d+ {2}lr \S+ {2}\d+ tokens\/s {2}ETA \d+m\d+s/);
    expect((await cli('train-model', '--config', cfg, '--out', join(dir, 'b'), '--stop-after', '5')).stdout).toMatch(/stopped at step 5/);
    const again = await cli('train-model', '--config', cfg, '--out', join(dir, 'b'));
    expect(again.code).toBe(2);
    expect(errorLine(again.stderr)).toEqual([`error: a run already exists in ${join(dir, 'b')}; pass --resume to continue it`]);
    expect((await cli('train-model', '--config', cfg, '--out', join(dir, 'b'), '--resume')).stdout).toMatch(/resuming at step 5[\s\S]*finished at step 12/);
    expect(readFileSync(join(dir, 'b', 'model.safetensors')).equals(readFileSync(join(dir, 'a', 'model.safetensors')))).toBe(true);
    // the schedule may be lengthened on resume; anything else is refused before work starts
    writeFileSync(join(dir, 'longer.json'), JSON.stringify({ ...tiny, steps: 14 }));
    expect((await cli('train-model', '--config', join(dir, 'longer.json'), '--out', join(dir, 'b'), '--resume')).stdout).toMatch(/schedule changed at step 12: 12 -> 14 total steps[\s\S]*finished at step 14/);
    writeFileSync(join(dir, 'other-lr.json'), JSON.stringify({ ...tiny, steps: 16, lr: 0.001 }));
    expect(errorLine((await cli('train-model', '--config', join(dir, 'other-lr.json'), '--out', join(dir, 'b'), '--resume')).stderr)[0]).toMatch(/--config differs from the config the run .* was started with/);
    const history = JSON.parse(readFileSync(join(dir, 'a', 'history.json'), 'utf8'));
    expect(history.map((h: { step: number }) => h.step)).toEqual([10, 12]);

    const ev = await cli('eval', '--model', join(dir, 'a', 'model.safetensors'), '--config', join(dir, 'a', 'config.json'), '--game', 'othello', '--games', '20', '--out', join(dir, 'm.json'));
    expect(ev.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(m.games).toBe(20);
    expect(m.legalTop1).toBeGreaterThanOrEqual(0);
    expect(m.legalMass).toBeLessThanOrEqual(1);

    const pr = await cli('train-probe', '--model', join(dir, 'a', 'model.safetensors'), '--config', join(dir, 'a', 'config.json'), '--probe', 'legal-moves',
      '--train-games', '20', '--test-games', '5', '--epochs', '1', '--out', join(dir, 'probes'));
    expect(pr.code).toBe(0);
    expect(pr.stdout).toMatch(/legal-moves: best layer 0 with \d+\.\d+% per-square test accuracy/);
    const res = JSON.parse(readFileSync(join(dir, 'probes', 'legal-moves-results.json'), 'utf8'));
    expect(res.layers.length).toBe(1);
    expect(res.test_positions).toBeGreaterThan(200);

    for (const kind of [['relu', '--coef', '0.05'], ['gated-anneal', '--coef', '0.3'], ['topk', '--k', '4']]) {
      const sd = join(dir, `sae-${kind[0]}`);
      const r = await cli('train-sae', '--model', join(dir, 'a', 'model.safetensors'), '--config', join(dir, 'a', 'config.json'), '--layer', '0', '--kind', ...kind,
        '--dict-size', '32', '--steps', '20', '--batch', '64', '--train-games', '10', '--test-games', '4', '--out', sd);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SAE on blocks.0.hook_resid_post: L0 \d+\.\d, variance explained -?\d\.\d{4}, loss recovered -?\d+\.\d{4}, dead \d+\.\d%/);
      const m = JSON.parse(readFileSync(join(sd, 'metrics.json'), 'utf8'));
      if (kind[0] === 'topk') expect(m.l0).toBeLessThanOrEqual(4);
      // the written SAE is read back by the standard loader and runs in `forward`
      const f = await cli('forward', '--model', join(dir, 'a', 'model.safetensors'), '--config', join(dir, 'a', 'config.json'), '--game', 'othello', '--moves', 'd3', '--backend', 'cpu', '--sae', sd, '--out', join(dir, 'f.safetensors'));
      expect(f.code, f.stderr).toBe(0);
    }
    const bad = await cli('train-sae', '--model', join(dir, 'a', 'model.safetensors'), '--config', join(dir, 'a', 'config.json'), '--layer', '3', '--kind', 'relu', '--coef', '1', '--dict-size', '8', '--out', join(dir, 'x'));
    expect(errorLine(bad.stderr)).toEqual(['error: --layer must be a layer 0..0']);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a non-object', [1], /not a JSON object/],
    ['a bad learning rate', { ...tiny, lr: 5 }, /"lr" must be in \(0, 1\)/],
    ['a bad model', { ...tiny, model: { ...tiny.model, act_fn: 'swish' } }, /act_fn "swish"/],
    ['warm-up longer than the run', { ...tiny, warmup_steps: 50 }, /warmup_steps must be below steps/],
    ['a checkpoint interval over 10 minutes', { ...tiny, checkpoint_minutes: 30 }, /checkpoint_minutes/],
    ['an unknown game', { ...tiny, game: 'go' }, /"game" must be "othello" or "chess"/],
    ['a chess model with the Othello vocabulary', { ...tiny, game: 'chess' }, /a chess model needs d_vocab 32/],
  ];
  for (const [what, cfg, message] of bad) {
    it(`rejects ${what} before any work`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'train-bad-'));
      writeFileSync(join(dir, 'run.json'), JSON.stringify(cfg));
      const r = await cli('train-model', '--config', join(dir, 'run.json'), '--out', join(dir, 'out'));
      expect(r.code).toBe(2);
      expect(errorLine(r.stderr).length).toBe(1);
      expect(errorLine(r.stderr)[0]).toMatch(message);
    });
  }
});

describe('train-model --resume with a broken checkpoint', () => {
  it('says so in one line (exit 2) instead of an internal error', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { cli, errorLines } = await import('./helpers/cli');
    const { writeSafetensors } = await import('../src/tensor/safetensors');
    const dir = mkdtempSync(join(tmpdir(), 'broken-ck-'));
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'checkpoint.safetensors'), writeSafetensors([['param.wE', { shape: [2], data: new Float32Array(2) }]], { metadata: { step: '3', config: '{}', history: '[]' } }));
    const r = await cli('train-model', '--config', 'configs/othello-default.json', '--out', join(dir, 'run'), '--resume');
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/the optimiser state of "wE" is missing or of the wrong size; it cannot be resumed/);
  });
});
