// Supervised metrics (spec 2.3, 3): Othello properties on hand-checked positions, the fast counting
// paths against the plain definitions (identical integer counts on random data, threshold ties
// included), and coverage / reconstruction on a case small enough to work out by hand.
import { describe, expect, it } from 'vitest';
import { initialState, legalMovesFor, mulberry32, playMove, randomGames } from '../src/games/othello';
import { OTHELLO_BSP_FAMILIES, othelloPositions, type OthelloPosition } from '../src/games/othello/bsp';
import { denseProperties, propertyTable, type BspFamily } from '../src/metrics/bsp';
import { classifierCounts, familyCounts } from '../src/metrics/counts';
import { bestFeatures, coverage } from '../src/metrics/coverage';
import { featureScales, LevelsBuilder, THRESHOLDS } from '../src/metrics/levels';
import { featureLabels, reconstructionCounts, reconstructionScore } from '../src/metrics/reconstruction';
import { referenceCounts, referenceReconstructionCounts } from '../src/metrics/reference';
import { scaleSampleGames, supervisedMetrics, type ActivationSource } from '../src/metrics/suite';
import { gelu } from '../src/model/cpu-ops';
import { predictionF1 } from '../src/metrics/probe-baseline';

const family = (id: string) => OTHELLO_BSP_FAMILIES.find((f) => f.id === id)!;
const positives = (id: string, p: OthelloPosition) => { const out: number[] = []; family(id).positives(p, out); return out; };

describe('Othello board-state properties', () => {
  const afterD3 = { state: playMove(initialState(), 19), index: 0 };

  it('mine/yours by parity: after black d3 black is "just moved" (class 2), white "to move" (class 0)', () => {
    const p = positives('mine-yours', afterD3);
    expect(p.length).toBe(64);
    for (const s of [19, 27, 28, 35]) expect(p).toContain(s * 3 + 2);
    expect(p).toContain(36 * 3 + 0);
    expect(p).toContain(0 * 3 + 1);
    expect(positives('mine-yours-blank-mask', afterD3)).toEqual([19 * 3 + 2, 27 * 3 + 2, 28 * 3 + 2, 35 * 3 + 2, 36 * 3]);
    expect(positives('black-white', afterD3)).toContain(19 * 3 + 2);
  });

  it('valid moves and flanking lines after black d3: white may play c3, e3, c5', () => {
    expect(positives('valid-moves', afterD3)).toEqual([18, 20, 34]);
    // c3 flanks down-right (direction 3), e3 down (4), c5 right (2)
    expect(positives('lines-mine', afterD3)).toEqual([18 * 8 + 3, 20 * 8 + 4, 34 * 8 + 2]);
    expect(positives('length-lines-mine', afterD3)).toEqual([18 * 48 + 3, 20 * 48 + 4, 34 * 48 + 2]);
    // lines-yours takes the other parity: runs of white closed by black, from black's side
    // (f5 left, e6 up, f6 up-left: black's flanking moves if black were to move again)
    expect(positives('lines-yours', afterD3)).toEqual([37 * 8 + 6, 44 * 8 + 0, 45 * 8 + 7]);
    // opponent-length-lines has no end check; an empty run lands in the length-6 slot (the paper's index wrap)
    const opp = positives('opponent-length-lines-mine', afterD3);
    expect(opp).toContain(0 * 48 + 40 + 0);
    expect(opp).toContain(18 * 48 + 3);
    expect(opp.length).toBe(59 * 8); // one entry per direction on each of the 59 empty squares
  });

  it('passes: properties keep token parity, valid moves are the player who moves again', () => {
    const games = randomGames(7, 400);
    let checked = 0;
    for (const g of games) {
      const pos = othelloPositions(g);
      for (let i = 1; i < pos.length; i++) {
        const prev = pos[i - 1].state, cur = pos[i].state;
        const mover = cur.cells[g[i]];
        if (mover !== prev.next || cur.next !== mover) continue;
        // move i was followed by a forced pass: the same player moves next
        expect(positives('valid-moves', pos[i])).toEqual(legalMovesFor(cur.cells, mover).sort((a, b) => a - b));
        const flip = i % 2 === 0 ? 1 : -1;
        expect(positives('mine-yours', pos[i])).toContain(g[i] * 3 + mover * flip + 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

/** Random activations [N, F] with feature 2 dead, feature 0 firing exactly with entry `tied`, and exact threshold ties. */
function randomActs(N: number, F: number, props: Uint8Array, P: number, seed: number, tied: number) {
  const rng = mulberry32(seed);
  const acts = new Float32Array(N * F);
  for (let x = 0; x < N; x++) {
    for (let f = 0; f < F; f++) {
      if (f === 2) continue;
      if (f === 0) { if (props[x * P + tied]) acts[x * F] = 0.5 + rng(); continue; }
      if (rng() < 0.4) acts[x * F + f] = rng() * (f + 1);
    }
  }
  // ties: set some activations (not feature 0's) to exactly t * M_f so strictness matters
  const { scale, alive } = featureScales(acts, N, F);
  for (let k = 0; k < 40; k++) {
    const i = 1 + Math.floor(rng() * (alive.length - 1)), x = Math.floor(rng() * N);
    acts[x * F + alive[i]] = Math.fround(THRESHOLDS[1 + Math.floor(rng() * 9)] * scale[i]);
  }
  return acts;
}

describe('fast counting matches the definitions', () => {
  for (const [id, games, F, seed] of [['mine-yours', 5, 9, 1], ['mine-yours-blank-mask', 4, 6, 2], ['black-white', 3, 4, 5], ['valid-moves', 6, 13, 3], ['lines-mine', 8, 5, 4]] as const) {
    it(`${id}: ${games} games, ${F} features`, () => {
      const fam = family(id);
      const positions = randomGames(seed, games).flatMap((g) => othelloPositions(g));
      const table = propertyTable(fam, positions);
      const dense = denseProperties(table);
      const N = positions.length, P = table.size;
      const tied = table.totals.indexOf(Math.max(...table.totals));
      const acts = randomActs(N, F, dense, P, seed, tied);
      const { alive, scale } = featureScales(acts, N, F);
      expect(Array.from(alive)).not.toContain(2);
      const b = new LevelsBuilder(alive, scale, F);
      b.add(acts.subarray(0, 50 * F), 50);
      b.add(acts.subarray(50 * F), N - 50);
      const levels = b.build();
      const aliveActs = new Float32Array(N * alive.length);
      for (let x = 0; x < N; x++) alive.forEach((f, i) => { aliveActs[x * alive.length + i] = acts[x * F + f]; });

      const fast = familyCounts(fam, levels, positions);
      const ref = referenceCounts(aliveActs, scale, dense, N, P);
      expect(Array.from(fast.on)).toEqual(Array.from(ref.on));
      expect(fast.tp.every((v, i) => v === ref.tp[i])).toBe(true);
      expect(Array.from(fast.totals)).toEqual(Array.from(ref.totals));

      // reconstruction on a second split, labels from the first
      const labels = featureLabels(fast);
      expect(labels.entries.length).toBeGreaterThan(0);
      const testPos = randomGames(seed + 100, games).flatMap((g) => othelloPositions(g));
      const testTable = propertyTable(fam, testPos);
      const testDense = denseProperties(testTable), M = testPos.length;
      const testActs = randomActs(M, F, testDense, P, seed + 100, tied);
      const tb = new LevelsBuilder(alive, scale, F);
      tb.add(testActs, M);
      const testAlive = new Float32Array(M * alive.length);
      for (let x = 0; x < M; x++) alive.forEach((f, i) => { testAlive[x * alive.length + i] = testActs[x * F + f]; });
      expect(reconstructionCounts(labels, tb.build(), testTable, fam.classes)).toEqual(
        referenceReconstructionCounts(labels, testAlive, scale, testDense, M, P, fam.classes));
    });
  }
});

describe('coverage and reconstruction by hand', () => {
  // positions are integers; one property: "x is even"; feature A = 1 exactly at even x, feature B = 0.5 everywhere
  const even: BspFamily<number> = { id: 'even', name: 'even', rows: 1, classes: 1, positives: (x, out) => { if (x % 2 === 0) out.push(0); } };
  const source: ActivationSource<number[]> = {
    features: 3,
    async encode(games) {
      const xs = games.flat();
      const acts = new Float32Array(xs.length * 3);
      xs.forEach((x, i) => { acts[i * 3] = x % 2 === 0 ? 1 : 0; acts[i * 3 + 1] = 0.5; });
      return { acts, n: xs.length, lengths: games.map((g) => g.length) };
    },
  };
  const games = (from: number) => Array.from({ length: 4 }, (_, g) => Array.from({ length: 10 }, (_, i) => from + g * 10 + i));

  it('a perfect feature gives coverage 1 at t = 0 and a perfect reconstruction; the dead feature stays out', async () => {
    const r = await supervisedMetrics(source, (g: number[]) => ({ rows: g.map((_, i) => i), positions: g }), [even], games(0), games(100));
    expect(r.alive_features).toEqual([0, 1]);
    expect(r.dead_fraction).toBeCloseTo(1 / 3, 12);
    expect(r.l0).toBe(1.5);
    const fam = r.families[0];
    expect(fam.coverage.coverage).toBeCloseTo(1, 6);
    expect(fam.coverage.threshold).toBe(0);
    // at t = 1.0 nothing is on (a > M is never true on the train split)
    expect(fam.coverage.per_threshold[10]).toBe(0);
    expect(fam.coverage.best[0].feature).toBe(0);
    expect(fam.reconstruction.board_reconstruction).toBeCloseTo(1, 6);
    expect(fam.reconstruction.counts.tp[0]).toBe(20);
    expect(fam.reconstruction.counts.fp[0]).toBe(0);
  });

  it('feature B alone: precision 1/2, recall 1, F1 2/3, and no label (precision < 0.95)', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const table = propertyTable(even, xs);
    const b = new LevelsBuilder(Uint32Array.of(1), Float32Array.of(0.5), 3);
    const acts = new Float32Array(60);
    xs.forEach((_, i) => { acts[i * 3 + 1] = 0.5; });
    b.add(acts, 20);
    const c = classifierCounts(b.build(), table);
    expect(bestFeatures(c)[3][0].f1).toBeCloseTo(2 / 3, 6);
    expect(coverage(c).coverage).toBeCloseTo(2 / 3, 6);
    expect(featureLabels(c).entries.length).toBe(0);
    const rec = reconstructionScore({ tp: Array(11).fill(0), fp: Array(11).fill(0), fn: Array(11).fill(10), tpAndFp: Array(11).fill(0) });
    expect(rec.board_reconstruction).toBe(0);
  });
});

describe('probe baseline scoring', () => {
  it('fixed predictions are scored with the reconstruction counts: exact gives 1, one wrong square in 64 gives 63/64', () => {
    const fam = family('mine-yours');
    const positions = randomGames(3, 2).flatMap((g) => othelloPositions(g));
    const truth = propertyTable(fam, positions);
    expect(predictionF1(truth, 3, (x, out) => { for (let k = truth.offsets[x]; k < truth.offsets[x + 1]; k++) out.push(truth.indices[k]); }).f1).toBeCloseTo(1, 6);
    const r = predictionF1(truth, 3, (x, out) => {
      for (let k = truth.offsets[x]; k < truth.offsets[x + 1]; k++) {
        const e = truth.indices[k];
        out.push(e === 0 * 3 + (e % 3) ? (e % 3 + 1) % 3 : e); // square a1: always the wrong class
      }
    });
    expect(r.counts).toEqual({ tp: 63 * positions.length, fp: positions.length, fn: positions.length });
    expect(r.f1).toBeCloseTo(63 / 64, 6);
  });
});

describe('metrics details an audit found', () => {
  it('M_f is |max a| (spec 3.2), not max |a|', () => {
    // one feature: -3 then 1; another: only negative values
    const acts = Float32Array.from([-3, -2, 1, -0.5]);
    const { alive, scale } = featureScales(acts, 2, 2);
    expect(Array.from(alive)).toEqual([0, 1]);
    expect(Array.from(scale)).toEqual([1, 0.5]);
  });
  it('the M_f sample is min(n/2, 1000) train games', () => {
    expect([1, 3, 2000, 2001, 5000].map(scaleSampleGames)).toEqual([1, 2, 1000, 1000, 1000]);
  });
  it('CPU GELU is exactly 0 far in the negative tail, as in float32 on the GPU', () => {
    for (const x of [-6, -8, -12]) {
      expect(gelu(x, 'exact') === 0).toBe(true); // -0 counts as 0 everywhere the metrics look
      expect(gelu(x, 'tanh') === 0).toBe(true);
    }
    expect(gelu(1, 'exact')).toBeCloseTo(0.8413447, 6);
  });
});
