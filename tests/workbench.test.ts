// The page worker's computations in Node, on the shipped default model, SAE and probes: WGSL (Dawn)
// against the CPU reference for a whole game, interventions, per-feature statics, the feature atlas,
// device loss, and clear errors for bad files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legalMoves, mulberry32, OTHELLO_BSP_FAMILIES, othelloPositions, randomGame, randomGames, replay } from '../src/games/othello';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import { buildAtlas } from '../src/metrics/atlas';
import { cpuForward } from '../src/model/cpu-forward';
import { cpuSae } from '../src/sae/cpu';
import { loadAssets, type AssetBundle, type Fetcher } from '../src/app/worker/assets';
import type { LoadRequest } from '../src/app/worker/protocol';
import { Workbench } from '../src/app/worker/workbench';
import { encodeSquares } from '../src/games/othello';
import { maxRelError } from './helpers/gpu';

const PUBLIC = join(__dirname, '..', 'public');
const files: Fetcher = async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.replace(/^file:\/\//, ''))));
const request = (over: Partial<LoadRequest> = {}): LoadRequest => ({
  type: 'load', base: 'file://', model: { kind: 'manifest', id: 'othello-gpt-default' }, sae: { kind: 'manifest', id: 'standard-c1.0' }, layer: 3, ...over,
});

let assets: AssetBundle;
let gpu: Workbench;
let cpu: Workbench;
const game = randomGame(mulberry32(5));

beforeAll(async () => {
  assets = await loadAssets(request(), files);
  gpu = await Workbench.create(assets, createNodeGpuContext, nodeShaderSource);
  cpu = await Workbench.create(assets, null, nodeShaderSource);
});
afterAll(() => gpu?.destroy());

describe('workbench worker core', () => {
  it('loads the manifest model, its SAE and the probes of the SAE layer', () => {
    expect(assets.hook).toBe('blocks.3.hook_resid_post');
    expect(assets.sae?.dSae).toBe(1024);
    expect(assets.probeNames.sort()).toEqual(['legal-moves', 'mine-theirs-empty']);
    expect(gpu.backend).toMatch(/^WebGPU/);
    expect(cpu.backend).toBe('CPU reference');
    expect(cpu.gpuProblem).toMatch(/not available/);
  });

  it('analyses a whole game on WebGPU as on the CPU reference', async () => {
    const g = await gpu.analyze(game), c = await cpu.analyze(game);
    expect(g.T).toBe(Math.min(game.length, 59));
    expect(g.acts.length).toBe(g.T * 1024);
    const finite = (a: Float32Array) => a.map((v) => (Number.isNaN(v) ? 0 : v));
    expect(maxRelError(finite(g.probs), finite(c.probs))).toBeLessThan(1e-4);
    expect(maxRelError(g.acts, c.acts)).toBeLessThan(1e-3);
    expect(maxRelError(g.boardProbe, c.boardProbe)).toBeLessThan(1e-4);
    // The CPU reference composes with the SAE directly, so the numbers are the metrics' numbers.
    const x = cpuForward(assets.model, encodeSquares(game.slice(0, 59)), { capture: [assets.hook] }).hooks.get(assets.hook)!;
    expect(maxRelError(c.acts, cpuSae(assets.sae!, x, c.T).acts)).toBe(0);
    // probabilities sum to one per position over the 60 move squares, per-square probe classes too
    for (let t = 0; t < g.T; t += 13) {
      let s = 0;
      for (let q = 0; q < 64; q++) if (!Number.isNaN(g.probs[t * 64 + q])) s += g.probs[t * 64 + q];
      expect(s).toBeCloseTo(1, 4);
      expect(g.boardProbe[t * 192 + 0] + g.boardProbe[t * 192 + 1] + g.boardProbe[t * 192 + 2]).toBeCloseTo(1, 5);
    }
    // the board probe mostly agrees with the true board (it is the shipped 78%-accurate probe)
    const states = replay(game);
    let ok = 0, n = 0;
    for (let t = 0; t < g.T; t++) {
      const flip = t % 2 === 0 ? 1 : -1;
      for (let q = 0; q < 64; q++) {
        const p = g.boardProbe.subarray(t * 192 + q * 3, t * 192 + q * 3 + 3);
        const cls = p.indexOf(Math.max(...p));
        ok += cls === states[t + 1].cells[q] * flip + 1 ? 1 : 0;
        n++;
      }
    }
    expect(ok / n).toBeGreaterThan(0.7);
  });

  it('interventions: no edit changes nothing; ablating the active features moves the prediction', async () => {
    const pos = 20;
    const none = cpu.intervene(game, pos, []);
    expect(maxRelError(none.patched.map((v) => (Number.isNaN(v) ? 0 : v)), none.clean.map((v) => (Number.isNaN(v) ? 0 : v)))).toBe(0);
    const a = await cpu.analyze(game);
    const active = Array.from({ length: 1024 }, (_, f) => f).filter((f) => a.acts[pos * 1024 + f] > 0);
    const r = cpu.intervene(game, pos, active.map((f) => ({ feature: f, mode: 'ablate' as const, value: 0 })));
    expect(r.before.every((v) => v > 0)).toBe(true);
    let moved = 0;
    for (let q = 0; q < 64; q++) if (!Number.isNaN(r.clean[q])) moved += Math.abs(r.clean[q] - r.patched[q]);
    expect(moved).toBeGreaterThan(0.05);
    // clamping a feature to its own value at every position changes nothing
    const f = active[0];
    const same = cpu.intervene(game, 0, [{ feature: f, mode: 'clamp', value: a.acts[f] }]);
    expect(maxRelError(same.patched.map((v) => (Number.isNaN(v) ? 0 : v)), same.clean.map((v) => (Number.isNaN(v) ? 0 : v)))).toBeLessThan(1e-5);
    expect(() => cpu.intervene(game, pos, [{ feature: 5000, mode: 'ablate', value: 0 }])).toThrow(/outside 0\.\.1023/);
    expect(() => cpu.intervene([], 0, [])).toThrow(/play a move first/);
  });

  it('feature statics: decoder through the probe and the direct logit effect', () => {
    const s = cpu.featureStatics()!;
    expect(s.probeDirection.length).toBe(1024 * 192);
    expect(s.logitEffect.length).toBe(1024 * 64);
    expect(Number.isNaN(s.logitEffect[27])).toBe(true); // d4 is never a move
    expect(s.probeDirection.some((v) => v !== 0)).toBe(true);
  });

  it('builds the feature atlas on the GPU as the metrics code does on the CPU', async () => {
    const seen: number[] = [];
    const { atlas, games: inputs } = await gpu.atlas(20, 2024, (d) => seen.push(d));
    const games = inputs as number[][];
    expect(games).toEqual(randomGames(2024, 20));
    expect(seen.at(-1)).toBe(21);
    const x = games.map((g) => cpuForward(assets.model, encodeSquares(g.slice(0, 59)), { capture: [assets.hook] }).hooks.get(assets.hook)!);
    const N = x.reduce((s, a) => s + a.length / 128, 0), all = new Float32Array(N * 128);
    let o = 0;
    for (const a of x) { all.set(a, o); o += a.length; }
    const positions = games.flatMap((g) => othelloPositions(g));
    const ref = buildAtlas(cpuSae(assets.sae!, all, N).acts, N, 1024, positions, OTHELLO_BSP_FAMILIES.filter((f) => f.id === 'mine-yours' || f.id === 'valid-moves'));
    expect(atlas.positions).toBe(N);
    // GPU float sums differ in the last bits, which may flip a feature exactly at a threshold: compare closely, not exactly
    expect(Math.abs(atlas.alive.length - ref.alive.length)).toBeLessThanOrEqual(2);
    const best = (a: typeof atlas) => a.families[0].f1.reduce((m, v) => Math.max(m, v), 0);
    expect(best(atlas)).toBeCloseTo(best(ref), 2);
  });

  it('the "feature for one square" tour says what the shipped SAE does', async () => {
    const { TOURS, tourView } = await import('../src/app/tours/tours');
    const tour = TOURS.find((t) => t.id === 'square-feature')!;
    const v = tourView(tour, 3);
    const f = v.feature!, sq = 44; // e6
    const a = await cpu.analyze(v.moves.slice(0, v.pos));
    expect(a.acts[(v.pos - 1) * 1024 + f]).toBeGreaterThan(0);
    const eff = cpu.featureStatics()!.logitEffect.subarray(f * 64, (f + 1) * 64);
    const best = Array.from(eff).reduce((b, x, i) => (!Number.isNaN(x) && x > eff[b] ? i : b), 0);
    expect(best).toBe(sq);
    const r = cpu.intervene(v.moves, v.pos - 1, v.edits);
    expect(r.patched[sq]).toBeLessThan(r.clean[sq] / 2);
  });

  it('the "board tracking" tour\'s probability on legal squares is what the shipped model gives', async () => {
    const { TOURS, tourView } = await import('../src/app/tours/tours');
    const tour = TOURS.find((t) => t.id === 'board-tracking')!;
    const legalMass = (step: number) => {
      const v = tourView(tour, step), moves = v.moves.slice(0, v.pos);
      const p = cpu.intervene(moves, v.pos - 1, []).clean;
      const legal = legalMoves(replay(moves).at(-1)!);
      return { mass: legal.reduce((s, q) => s + p[q], 0), count: legal.length };
    };
    const early = legalMass(0), late = legalMass(1);
    expect(early.count).toBe(12); // "the 12 legal squares"
    expect(early.mass).toBeGreaterThan(0.6); // "about two thirds"
    expect(early.mass).toBeLessThan(0.73);
    expect(late.mass).toBeGreaterThan(0.85); // "about 90%"
    expect(late.mass).toBeLessThan(0.95);
    // "84% of squares right, where guessing ... gets 54%": the shipped layer-3 probe in the manifest
    const manifest = JSON.parse(readFileSync(join(PUBLIC, 'models', 'index.json'), 'utf8'));
    const probe = manifest.models.find((m: { id: string }) => m.id === 'othello-gpt-default').probes.find((p: { kind: string; layer: number }) => p.kind === 'mine-theirs-empty' && p.layer === 3);
    expect(tourView(tour, 2).overlay).toBe('probe');
    expect(tour.steps[2].caption).toContain(`layer 3 reads every square as mine, theirs or empty: on held-out games it gets ${Math.round(100 * probe.test_accuracy)}% of squares right, where guessing each square's most common state gets ${Math.round(100 * probe.baseline_accuracy)}%`);
  });

  it('measures both backends and analyses moves on the faster, with the same numbers either way', async () => {
    const wb = await Workbench.create(assets, createNodeGpuContext, nodeShaderSource, { measure: true });
    expect(wb.backendNote).toMatch(/^one 59-token analysis took \d+ ms on the CPU reference and \d+ ms on WebGPU .*, so moves are analysed on (the CPU reference and the feature atlas \(batches\) on WebGPU|WebGPU)/);
    const a = await wb.analyze(game), c = await cpu.analyze(game);
    expect(a.backend).toBe(/analysed on the CPU reference/.test(wb.backendNote!) ? 'CPU reference, measured faster here' : wb.backend);
    expect(maxRelError(a.acts, c.acts)).toBeLessThan(1e-3);
    wb.destroy();
  });

  it('recovers from a lost device by re-creating it', async () => {
    const wb = await Workbench.create(assets, createNodeGpuContext, nodeShaderSource);
    const before = await wb.analyze(game.slice(0, 10));
    ((wb as unknown as { conn: { lost: boolean } }).conn).lost = true;
    const after = await wb.analyze(game.slice(0, 10));
    expect(wb.backend).toMatch(/^WebGPU/);
    expect(maxRelError(after.acts, before.acts)).toBeLessThan(1e-5);
    wb.destroy();
  });

  it('bad files and mismatches get clear errors', async () => {
    await expect(loadAssets(request({ model: { kind: 'manifest', id: 'nope' } }), files)).rejects.toThrow(/no model "nope"/);
    await expect(loadAssets(request({ sae: { kind: 'manifest', id: 'nope' } }), files)).rejects.toThrow(/no SAE "nope"/);
    await expect(loadAssets(request({ model: { kind: 'files', name: 'm.safetensors', files: { 'm.safetensors': new Uint8Array([1, 2, 3]).buffer, 'c.json': new TextEncoder().encode('{}').buffer } } }), files)).rejects.toThrow(/m\.safetensors/);
    await expect(loadAssets(request({ model: { kind: 'files', name: 'c.json', files: { 'c.json': new ArrayBuffer(2) } } }), files)).rejects.toThrow(/no model weights among the files/);
    await expect(loadAssets(request({ sae: { kind: 'files', name: 'x', files: { 'ae.safetensors': new ArrayBuffer(4) } } }), files)).rejects.toThrow(/ae\.safetensors/);
    // a layer past the model's last (a view made for a deeper model) reads the last layer
    expect((await loadAssets(request({ sae: { kind: 'none' }, layer: 9 }), files)).hook).toBe('blocks.3.hook_resid_post');
    const noSae = await loadAssets(request({ sae: { kind: 'none' }, layer: 1 }), files);
    expect(noSae.hook).toBe('blocks.1.hook_resid_post');
    expect(noSae.probeNames.length).toBe(2);
  });
});
