// The chess pipeline through the CLI on a small random-init chess model: piece probes at the '.'
// characters, an SAE on every character, the supervised metrics with the chess property families
// on both backends, the probe baseline, and games files (PGN or transcripts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHESS_BOARD_SET, CHESS_STRATEGY_SET } from '../src/games/chess/bsp';
import { CHESS_KIT } from '../src/games/kit';
import { PROBE_PREDICTS } from '../src/cli/metrics-probe';
import { propertyTable } from '../src/metrics/bsp';
import { predictionF1 } from '../src/metrics/probe-baseline';
import { readSafetensors } from '../src/tensor/safetensors';
import { majorityBaseline } from '../src/train/probe-trainer';
import { cli, errorLines } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'chess-pipeline-'));
const nCtx = 96;
const model = ['--model', join(dir, 'm', 'model.safetensors'), '--config', join(dir, 'm', 'config.json')];
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

describe('chess pipeline', () => {
  it('piece probes, an SAE and the chess metrics through the CLI', async () => {
    writeFileSync(join(dir, 'hooked.json'), JSON.stringify({ n_layers: 2, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 32, n_ctx: nCtx, act_fn: 'gelu', normalization_type: 'LN' }));
    expect((await cli('init-model', '--config', join(dir, 'hooked.json'), '--seed', '1', '--out', join(dir, 'm'))).code).toBe(0);

    const probe = await cli('train-probe', ...model, '--game', 'chess', '--probe', 'piece', '--train-games', '12', '--test-games', '6', '--epochs', '1', '--out', join(dir, 'probes'));
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stdout).toMatch(/layer 1: test accuracy \d+\.\d\d%[\s\S]*piece: best layer \d with/);
    const pr = read('probes/piece-results.json');
    // one row per '.' character (at most 20 per game) of the first nCtx characters
    const dots = (seed: number, n: number) => CHESS_KIT.evalGames(seed, n, nCtx).reduce((s, g) => s + CHESS_KIT.evaluated(g, nCtx).rows.length, 0);
    expect(pr.train_positions).toBe(dots(777, 12));
    expect(pr.test_positions).toBe(dots(778, 6));
    // the no-model baseline: each square's most common piece class, from the same games' labels
    const labels = (seed: number, n: number) => new Uint8Array(CHESS_KIT.evalGames(seed, n, nCtx).flatMap((g) => CHESS_KIT.evaluated(g, nCtx).positions.flatMap((q) => Array.from(CHESS_KIT.probes.piece.labels(q)))));
    expect(pr.majority_baseline_accuracy).toBe(majorityBaseline(labels(777, 12), labels(778, 6), 13));
    expect(probe.stdout).toMatch(/majority-class baseline \(no model\): \d+\.\d\d%/);
    const file = readSafetensors(new Uint8Array(readFileSync(join(dir, 'probes', 'piece-L1.safetensors'))), 'p');
    expect(file.tensors.get('W')!.shape).toEqual([16, 8, 8, 13]);
    expect(file.metadata.classes.split(',')).toHaveLength(13);

    const sae = await cli('train-sae', ...model, '--game', 'chess', '--layer', '1', '--kind', 'relu', '--dict-size', '64', '--coef', '0.5', '--steps', '30',
      '--batch', '64', '--train-games', '6', '--test-games', '3', '--out', join(dir, 'sae'));
    expect(sae.code, sae.stderr).toBe(0);
    expect(read('sae/config.json').buffer).toMatchObject({ game: 'chess', ctx_len: nCtx });

    const base = ['metrics', ...model, '--game', 'chess', '--sae', join(dir, 'sae'), '--hook', 'blocks.1.hook_resid_post', '--train-games', '6', '--test-games', '4', '--seed', '3', '--loss-games', '2'];
    const cpu = await cli(...base, '--backend', 'cpu', '--out', join(dir, 'cpu.json'));
    expect(cpu.code, cpu.stderr).toBe(0);
    const r = read('cpu.json');
    expect(r.game).toBe('chess');
    const fams = Object.values(r.bsp) as Array<{ id: string; coverage: number; ceiling: number; board_reconstruction: number }>;
    expect(fams.map((f) => f.id)).toEqual([CHESS_BOARD_SET, ...CHESS_STRATEGY_SET]);
    for (const f of fams) expect(f.coverage).toBeLessThanOrEqual(f.ceiling + 1e-9);
    // properties are scored at the '.' characters only
    expect(r.positions.train).toBe(dots(3, 6));
    expect(r.frac_loss_recovered).not.toBeNull();
    const gpu = await cli(...base, '--out', join(dir, 'gpu.json'));
    expect(gpu.code, gpu.stderr).toBe(0);
    const g = read('gpu.json');
    expect(g.l0).toBeCloseTo(r.l0, 4);
    for (const name of Object.keys(r.bsp)) expect(g.bsp[name].coverage).toBeCloseTo(r.bsp[name].coverage, 3);

    const pb = await cli('metrics', ...model, '--game', 'chess', '--probe', join(dir, 'probes', 'piece-L1.safetensors'), '--hook', 'blocks.1.hook_resid_post',
      '--bsp', 'piece,piece-masked-blank-and-initial', '--test-games', '3', '--out', join(dir, 'probe.json'));
    expect(pb.code, pb.stderr).toBe(0);
    expect(pb.stdout).toMatch(new RegExp(`piece-masked-blank-and-initial: reconstruction \\d\\.\\d{3} \\(${dots(2025, 3)} test positions\\)`));
  });

  it('a probe that is always right scores 1 on every piece family it predicts', () => {
    const games = CHESS_KIT.evalGames(11, 4, 256);
    const positions = games.flatMap((g) => CHESS_KIT.evaluated(g, 256).positions);
    const truth = positions.map((p) => CHESS_KIT.probes.piece.labels(p));
    for (const family of CHESS_KIT.families.filter((f) => PROBE_PREDICTS.piece[f.id])) {
      const map = PROBE_PREDICTS.piece[family.id];
      const r = predictionF1(propertyTable(family, positions), family.classes, (row, out) => { for (let sq = 0; sq < 64; sq++) map(sq, truth[row][sq], out); });
      expect(r.f1, family.id).toBeCloseTo(1, 6);
      expect(r.counts.fp).toBe(0);
    }
  });

  it('metrics reads PGN games files and names a bad game', async () => {
    writeFileSync(join(dir, 'games.pgn'), '[Event "A"]\n\n1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 4. Ba4 Nf6 5. O-O Be7 1-0\n\n1. d4 d5 2. c4 e6 3. Nc3 Nf6 4. Bg5 Be7 *\n');
    const ok = await cli('metrics', ...model, '--game', 'chess', '--neurons', '--hook', 'blocks.0.mlp.hook_post', '--games-file', join(dir, 'games.pgn'), '--bsp', 'check,piece', '--backend', 'cpu', '--out', join(dir, 'n.json'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(read('n.json').games).toMatchObject({ train: 1, test: 1 });
    writeFileSync(join(dir, 'bad.txt'), ';1.e4 e5\n;1.e4 Ke7\n');
    const bad = await cli('metrics', ...model, '--game', 'chess', '--neurons', '--hook', 'blocks.0.mlp.hook_post', '--games-file', join(dir, 'bad.txt'), '--out', join(dir, 'x.json'));
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)[0]).toMatch(/games file, game at line 2: move 1\.\.\. "Ke7" is not legal/);
    const unknown = await cli('metrics', ...model, '--game', 'chess', '--neurons', '--hook', 'blocks.0.mlp.hook_post', '--bsp', 'mine-yours', '--out', join(dir, 'x.json'));
    expect(errorLines(unknown.stderr)[0]).toMatch(/unknown chess property family "mine-yours"/);
  });
});
