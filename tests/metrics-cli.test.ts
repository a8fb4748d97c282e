// `metrics` as a user runs it, on the shipped default model and one of its SAEs: the JSON has every
// published field, the WebGPU and CPU backends agree, MLP neurons work as an identity dictionary,
// games files are read (tokens or moves) and every kind of mistake gets a one-line error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSquares, formatTranscript, randomGames } from '../src/games/othello';
import { loadModel } from '../src/model/adapters';
import { parseModelConfig, toHookedTransformerConfig } from '../src/model/config';
import { randomModel } from '../src/model/random';
import { readSafetensors } from '../src/tensor/safetensors';
import { cli, errorLines, ROOT } from './helpers/cli';

const MODEL = join(ROOT, 'public/models/othello-gpt-default');
const base = ['metrics', '--model', join(MODEL, 'model.safetensors'), '--config', join(MODEL, 'config.json'), '--game', 'othello'];
const sae = ['--sae', join(MODEL, 'saes/topk-k32'), '--hook', 'blocks.3.hook_resid_post'];
const dir = mkdtempSync(join(tmpdir(), 'metrics-cli-'));
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

describe('metrics', () => {
  it('an SAE on both backends: every field, coverage within its ceiling, the same numbers', async () => {
    const small = ['--train-games', '12', '--test-games', '6', '--seed', '5', '--loss-games', '2'];
    const cpu = await cli(...base, ...sae, ...small, '--backend', 'cpu', '--out', join(dir, 'cpu.json'));
    expect(cpu.code, cpu.stderr).toBe(0);
    expect(cpu.stdout).toMatch(/topk SAE .* on blocks\.3\.hook_resid_post: L0 32\.0, alive \d+, FVE 0\.\d{4}, loss recovered -?\d\.\d{4}/);
    expect(cpu.stdout).toMatch(/mine-yours-blank-mask: coverage 0\.\d{3} \(t=\d\.\d, ceiling 0\.667\), reconstruction \d\.\d{3}/);
    const r = read('cpu.json');
    for (const k of ['l0', 'frac_variance_explained', 'frac_loss_recovered', 'alive_features', 'l2_ratio', 'dead_fraction']) expect(r).toHaveProperty(k);
    expect(r.positions.train).toBe(12 * 59);
    const fams = Object.values(r.bsp) as Array<{ id: string; coverage: number; ceiling: number; board_reconstruction: number; coverage_threshold: number; reconstruction_threshold: number; best_features: Array<{ feature: number } | null> }>;
    expect(fams.map((f) => f.id)).toEqual(['mine-yours', 'mine-yours-blank-mask', 'valid-moves']);
    for (const f of fams) {
      expect(f.coverage).toBeGreaterThan(0);
      expect(f.coverage).toBeLessThanOrEqual(f.ceiling + 1e-9);
      expect(f.board_reconstruction).toBeGreaterThanOrEqual(0);
      expect(f.reconstruction_threshold).toBeLessThan(1);
      // best features are reported by SAE id, which must be an alive feature
      for (const b of f.best_features) if (b) expect(r.alive_features).toContain(b.feature);
    }
    // several SAEs in one run share the model's activations and give the same numbers
    const multi = await cli(...base, '--sae', `${join(MODEL, 'saes/topk-k32')},${join(MODEL, 'saes/standard-c1.0')}`, '--hook', 'blocks.3.hook_resid_post', ...small, '--backend', 'cpu', '--out', join(dir, 'multi'));
    expect(multi.code, multi.stderr).toBe(0);
    const again = read('multi/topk-k32.json');
    expect(again.bsp).toEqual(r.bsp);
    expect(again.frac_loss_recovered).toBe(r.frac_loss_recovered);
    expect(read('multi/standard-c1.0.json').dictionary).toMatch(/^relu SAE/);

    const gpu = await cli(...base, ...sae, ...small, '--out', join(dir, 'gpu.json'));
    expect(gpu.code, gpu.stderr).toBe(0);
    const g = read('gpu.json');
    expect(g.l0).toBe(r.l0);
    expect(g.frac_variance_explained).toBeCloseTo(r.frac_variance_explained, 4);
    for (const name of Object.keys(r.bsp)) {
      expect(g.bsp[name].coverage).toBeCloseTo(r.bsp[name].coverage, 3);
      expect(g.bsp[name].board_reconstruction).toBeCloseTo(r.bsp[name].board_reconstruction, 3);
    }
  });

  it('MLP neurons as an identity dictionary, from a games file of token ids and moves', async () => {
    const games = randomGames(31, 6);
    writeFileSync(join(dir, 'games.txt'), ['# three as token ids, three as moves', ...games.slice(0, 3).map((g) => encodeSquares(g).join(' ')),
      ...games.slice(3).map(formatTranscript)].join('\n'));
    const r = await cli(...base, '--neurons', '--hook', 'blocks.1.mlp.hook_post', '--games-file', join(dir, 'games.txt'), '--bsp', 'valid-moves,lines-mine', '--backend', 'cpu', '--out', join(dir, 'mlp.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/identity over 512 units of blocks\.1\.mlp\.hook_post/);
    const m = read('mlp.json');
    expect(m.frac_variance_explained).toBeNull();
    expect(m.frac_loss_recovered).toBeNull();
    expect(m.games.train).toBe(3);
    expect(Object.values(m.bsp).map((b) => (b as { id: string }).id)).toEqual(['valid-moves', 'lines-mine']);
  });

  it('a linear probe, scored with the same reconstruction F1', async () => {
    const r = await cli(...base, '--probe', join(MODEL, 'probes/mine-theirs-empty-L3.safetensors'), '--hook', 'blocks.3.hook_resid_post', '--test-games', '4', '--backend', 'cpu', '--out', join(dir, 'probe.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mine-yours: reconstruction 0\.\d{3} \(236 test positions\)/);
    const p = read('probe.json');
    expect(Object.keys(p.bsp)).toEqual(['games_batch_to_state_stack_mine_yours_BLRRC', 'games_batch_to_state_stack_mine_yours_blank_mask_BLRRC']);
  });

  it('init-model writes the random-init baseline: the weights train-model starts from', async () => {
    const r = await cli('init-model', '--config', join(MODEL, 'config.json'), '--seed', '3', '--out', join(dir, 'random'));
    expect(r.code, r.stderr).toBe(0);
    const config = parseModelConfig(JSON.parse(readFileSync(join(dir, 'random', 'config.json'), 'utf8')));
    const loaded = loadModel(readSafetensors(new Uint8Array(readFileSync(join(dir, 'random', 'model.safetensors'))), 'm').tensors, toHookedTransformerConfig(config));
    const want = randomModel(config, 3);
    expect(Array.from(loaded.weights.layers[1].wIn)).toEqual(Array.from(want.weights.layers[1].wIn));
    expect(Array.from(loaded.weights.wU)).toEqual(Array.from(want.weights.wU));
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['chess games for an Othello model', ['--game', 'chess', ...sae], /--game chess needs a model with a 32-token vocabulary; this one has d_vocab 61/],
    ['both --sae and --neurons', [...sae, '--neurons'], /exactly one of --sae <folder>, --neurons and --probe <file>/],
    ['an unknown property family', [...sae, '--bsp', 'mine-yours,corners'], /unknown othello property family "corners"/],
    ['a hook the model lacks', ['--sae', join(MODEL, 'saes/topk-k32'), '--hook', 'blocks.9.hook_resid_post'], /not a hook of this model/],
    ['an SAE of the wrong width', ['--sae', join(MODEL, 'saes/topk-k32'), '--hook', 'blocks.0.mlp.hook_post'], /reads 128-wide inputs but blocks.0.mlp.hook_post is 512 wide/],
  ];
  for (const [what, args, msg] of bad) {
    it(`rejects ${what} with one line`, async () => {
      const game = args.includes('--game') ? [] : ['--game', 'othello'];
      const r = await cli(...base.slice(0, -2), ...game, ...args, '--out', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)[0]).toMatch(msg);
    });
  }

  it('rejects an illegal game in a games file, naming its line', async () => {
    writeFileSync(join(dir, 'bad.txt'), 'd3 c5\nd3 d3\n');
    const r = await cli(...base, ...sae, '--games-file', join(dir, 'bad.txt'), '--out', join(dir, 'x.json'));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(['error: games file line 2: move 2: illegal move d3 for white']);
  });
});
