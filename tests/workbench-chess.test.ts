// The page worker's chess computations in Node, on the shipped chess model, SAE and piece probe:
// WGSL (Dawn) against the CPU reference for a whole transcript, next-character outputs, the piece
// probe, interventions on characters, per-feature statics, and the chess atlas (scored at the '.'
// characters) against the metrics code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssets, type AssetBundle, type Fetcher } from '../src/app/worker/assets';
import { ATLAS_FAMILIES, Workbench } from '../src/app/worker/workbench';
import { CHESS_KIT } from '../src/games/kit';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import { bestFeaturesFor, buildAtlas, TOP_POSITIONS } from '../src/metrics/atlas';
import { featureLabel, judgedFeaturesFor } from '../src/metrics/labels';
import { transcriptBoards } from '../src/games/chess/boards';
import { pieceArray, ROOK, squareIndex } from '../src/games/chess/squares';
import { Chess } from 'chess.js';
import { cpuForward } from '../src/model/cpu-forward';
import { cpuSae } from '../src/sae/cpu';
import { maxRelError } from './helpers/gpu';

const PUBLIC = join(__dirname, '..', 'public');
const files: Fetcher = async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.replace(/^file:\/\//, ''))));
const manifest = JSON.parse(readFileSync(join(PUBLIC, 'models', 'index.json'), 'utf8')) as { models: Array<{ id: string; saes: Array<{ id: string; hook: string }>; probes: Array<{ test_accuracy: number; baseline_accuracy?: number }> }> };
const chessEntry = manifest.models.find((m) => m.id === 'chess-gpt-default')!;
const layer = Number(/blocks\.(\d+)\./.exec(chessEntry.saes[0].hook)![1]);
const GAME = ';1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Ba4 Nf6 5.O-O Be7 6.Re1 b5 7.Bb3 d6';

let assets: AssetBundle;
let gpu: Workbench;
let cpu: Workbench;

beforeAll(async () => {
  assets = await loadAssets({ type: 'load', base: 'file://', model: { kind: 'manifest', id: 'chess-gpt-default' }, sae: { kind: 'manifest', id: 'standard-c1.0' }, layer }, files);
  gpu = await Workbench.create(assets, createNodeGpuContext, nodeShaderSource);
  cpu = await Workbench.create(assets, null, nodeShaderSource);
});
afterAll(() => gpu?.destroy());

describe('workbench worker core, chess', () => {
  it('loads the chess model with its SAE and piece probe, and refuses a move list', async () => {
    expect(assets.game).toBe('chess');
    expect(assets.probeNames).toEqual(['piece']);
    await expect(gpu.analyze([19, 18])).rejects.toThrow(/a chess model reads a transcript/);
  });

  it('analyses a transcript on WebGPU as on the CPU reference: next characters, features, piece probe', async () => {
    const g = await gpu.analyze(GAME), c = await cpu.analyze(GAME);
    expect(g.T).toBe(GAME.length);
    expect(g.probs.length).toBe(g.T * 32);
    expect(g.probeClasses).toBe(13);
    expect(maxRelError(g.probs, c.probs)).toBeLessThan(1e-4);
    expect(maxRelError(g.acts, c.acts)).toBeLessThan(1e-3);
    expect(maxRelError(g.boardProbe, c.boardProbe)).toBeLessThan(1e-4);
    const x = cpuForward(assets.model, CHESS_KIT.tokens(GAME, 256), { capture: [assets.hook] }).hooks.get(assets.hook)!;
    expect(maxRelError(c.acts, cpuSae(assets.sae!, x, c.T).acts)).toBe(0);
    for (let t = 0; t < g.T; t += 9) {
      expect(g.probs.subarray(t * 32, (t + 1) * 32).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(g.boardProbe.subarray(t * 832, t * 832 + 13).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('interventions: no edit changes nothing; ablating every active feature at a character changes its prediction', async () => {
    const t = GAME.indexOf('3.') + 1, a = await cpu.analyze(GAME);
    const same = cpu.intervene(GAME, t, []);
    expect(Array.from(same.patched)).toEqual(Array.from(same.clean));
    expect(maxRelError(same.clean, a.probs.subarray(t * 32, (t + 1) * 32))).toBeLessThan(1e-5);
    const active = Array.from({ length: a.F }, (_, f) => f).filter((f) => a.acts[t * a.F + f] > 0);
    const r = cpu.intervene(GAME, t, active.map((feature) => ({ feature, mode: 'ablate' as const, value: 0 })));
    expect(r.before.every((v) => v > 0)).toBe(true);
    expect(maxRelError(r.patched, r.clean)).toBeGreaterThan(1e-3);
    const statics = cpu.featureStatics()!;
    expect(statics.outputs).toBe(32);
    expect(statics.probeDirection.length).toBe(1024 * 64 * 13);
  });

  it('builds the chess atlas on the GPU as the metrics code does on the CPU, scored at the \'.\' characters', async () => {
    const { atlas, games } = await gpu.atlas(6, 2024, () => {});
    expect(games).toEqual(CHESS_KIT.evalGames(2024, 6, 256));
    const tokens = (games as string[]).map((g) => CHESS_KIT.tokens(g, 256));
    const N = tokens.reduce((s, t) => s + t.length, 0), d = assets.model.config.dModel, all = new Float32Array(N * d);
    const rows: number[] = [], positions: unknown[] = [];
    let o = 0;
    (games as string[]).forEach((g, i) => {
      all.set(cpuForward(assets.model, tokens[i], { capture: [assets.hook] }).hooks.get(assets.hook)!, o * d);
      const e = CHESS_KIT.evaluated(g, 256);
      rows.push(...e.rows.map((r) => r + o));
      positions.push(...e.positions);
      o += tokens[i].length;
    });
    const families = ATLAS_FAMILIES.chess.map((id) => [...CHESS_KIT.families, ...CHESS_KIT.labelFamilies].find((f) => f.id === id)!);
    const ref = buildAtlas(cpuSae(assets.sae!, all, N).acts, N, 1024, positions, families as never, rows);
    expect(atlas.positions).toBe(N);
    expect(atlas.families.map((f) => f.id)).toEqual(ATLAS_FAMILIES.chess);
    const alive = new Set(atlas.alive), refAlive = new Set(ref.alive);
    expect([...alive].filter((f) => !refAlive.has(f)).length).toBeLessThanOrEqual(2);
    // best F1 per entry agrees closely (GPU float sums may flip a feature exactly at a threshold)
    const best = (a: typeof atlas, fam: number) => { const f = a.families[fam]; const out = new Float32Array(f.size); for (let i = 0; i < a.alive.length; i++) for (let p = 0; p < f.size; p++) out[p] = Math.max(out[p], f.f1[i * f.size + p]); return out; };
    for (let fam = 0; fam < families.length; fam++) {
      const g = best(atlas, fam), c = best(ref, fam);
      let close = 0;
      for (let p = 0; p < g.length; p++) if (Math.abs(g[p] - c[p]) < 0.02) close++;
      expect(close / g.length, families[fam].id).toBeGreaterThan(0.97);
    }
  });

  it('the "feature that looks like a rook" tour says what the shipped SAE does', async () => {
    const { TOURS, tourView } = await import('../src/app/tours/tours');
    const tour = TOURS.find((t) => t.id === 'chess-false-friend')!;
    const first = tourView(tour, 0), named = tourView(tour, 1), after = tourView(tour, 2), late = tourView(tour, 3);
    const f = named.feature!, h1 = squareIndex('h1'), entry = h1 * 13 + ROOK + 6;
    expect(first.square).toBe(h1);
    const board = (text: string, t: number) => { const b = transcriptBoards(text); return pieceArray(new Chess(b.fens[b.completed[t]])); };
    expect(board(first.text, first.pos - 1)[h1]).toBe(ROOK);
    // the page's atlas: 200 games, seed 2024
    const { atlas, games } = await gpu.atlas(200, 2024, () => {});
    const best = bestFeaturesFor(atlas, 'piece', entry, 1)[0];
    expect(best.feature).toBe(f);
    expect(best.f1).toBeCloseTo(0.82, 1);
    // "the rook stands on h1 at 76% of the '.' positions, so a feature that always fired there would score 0.86": no label
    const judged = judgedFeaturesFor(atlas, 'piece', entry, 1)[0];
    expect(judged.feature).toBe(f);
    expect(Math.round(judged.baseRate * 100)).toBe(76);
    expect(judged.alwaysOn).toBeCloseTo(0.86, 2);
    expect(judged.f1).toBeLessThan(judged.alwaysOn);
    expect(featureLabel(atlas, f)?.best.entry === entry).toBe(false);
    expect(named.feature).toBe(f);
    for (const said of ['(0.82)', 'at 76% of', 'would score 0.86']) expect(tour.steps[1].caption).toContain(said);
    // 10 of its 12 top-activating characters show the rook on h1
    const texts = games as string[], starts: number[] = [];
    texts.reduce((o, g) => { starts.push(o); return o + Math.min(g.length, 256); }, 0);
    const i = atlas.aliveIndex[f];
    let withRook = 0;
    for (let k = 0; k < TOP_POSITIONS; k++) {
      const x = atlas.topPositions[i * TOP_POSITIONS + k];
      let g = 0;
      while (g + 1 < starts.length && starts[g + 1] <= x) g++;
      if (board(texts[g], x - starts[g])[h1] === ROOK) withRook++;
    }
    expect(TOP_POSITIONS).toBe(12);
    expect(withRook).toBe(10);
    // the counterexample: after 5.O-O the rook is on f1 and the feature still fires
    const a = await cpu.analyze(late.text);
    const act = (pos: number) => a.acts[(pos - 1) * a.F + f];
    expect(board(after.text, after.pos - 1)[h1]).toBe(0);
    expect(board(after.text, after.pos - 1)[squareIndex('f1')]).toBe(ROOK);
    expect(act(after.pos)).toBeGreaterThan(0);
    expect(act(after.pos)).toBeGreaterThan(0.8 * act(first.pos)); // "about as strongly as before"
    // it fires at every '.' from move 2 to move 10, at least half as strongly as with the rook on h1,
    // and at every character that is not a '.' at most a tenth of its weakest of those
    const allDots = [...late.text.slice(0, late.pos)].flatMap((c, t) => (c === '.' ? [t + 1] : []));
    expect(allDots.length).toBe(10);
    const dots = allDots.slice(1);
    for (const d of dots) expect(act(d)).toBeGreaterThan(act(first.pos) / 2);
    const weakestDot = Math.min(...dots.map(act));
    for (let pos = 1; pos <= late.pos; pos++) if (!allDots.includes(pos)) expect(act(pos)).toBeLessThan(weakestDot / 10);
    // "about 73% ..., hardly more than the 71% that guessing ... gets": the best layer's probe and its baseline
    const bestProbe = chessEntry.probes.reduce((a, b) => (b.test_accuracy > a.test_accuracy ? b : a));
    expect(tour.steps[4].caption).toContain(`at its best layer it reads about ${Math.round(bestProbe.test_accuracy * 100)}% of squares right, hardly more than the ${Math.round(bestProbe.baseline_accuracy! * 100)}% that guessing each square's most common piece gets`);
  }, 300_000);
});
