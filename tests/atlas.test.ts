// The feature atlas against plain definitions: per-feature best F1 per entry over the 11 thresholds,
// top-activating positions, histogram totals and range examples, on random sparse activations over
// real Othello positions.
import { describe, expect, it } from 'vitest';
import { mulberry32, OTHELLO_BSP_FAMILIES, othelloPositions, randomGames } from '../src/games/othello';
import { bestFeaturesFor, bestMatches, buildAtlas, HISTOGRAM_BINS, RANGE_EXAMPLES, RANGE_GROUPS, TOP_POSITIONS } from '../src/metrics/atlas';
import { denseProperties, familySize, propertyTable } from '../src/metrics/bsp';
import { f1Score } from '../src/metrics/coverage';
import { THRESHOLDS } from '../src/metrics/levels';

const families = OTHELLO_BSP_FAMILIES.filter((f) => f.id === 'mine-yours' || f.id === 'valid-moves');

function sample(F: number, seed: number) {
  const positions = randomGames(seed, 4).flatMap((g) => othelloPositions(g));
  const N = positions.length, rng = mulberry32(seed + 1);
  const acts = new Float32Array(N * F);
  for (let i = 0; i < acts.length; i++) if (rng() < 0.3) acts[i] = Math.round(rng() * 8) / 4; // exact ties at thresholds happen
  for (let x = 0; x < N; x++) acts[x * F + F - 1] = 0; // one dead feature
  return { positions, N, acts };
}

describe('feature atlas', () => {
  it('matches the plain definitions', () => {
    const F = 13;
    const { positions, N, acts } = sample(F, 7);
    const atlas = buildAtlas(acts, N, F, positions, families);
    expect(atlas.aliveIndex[F - 1]).toBe(-1);
    expect(atlas.alive.length).toBe(F - 1);
    for (const family of families) {
      const S = familySize(family), dense = denseProperties(propertyTable(family, positions));
      const fam = atlas.families.find((f) => f.id === family.id)!;
      for (let i = 0; i < atlas.alive.length; i++) {
        const f = atlas.alive[i];
        let M = 0;
        for (let x = 0; x < N; x++) M = Math.max(M, acts[x * F + f]);
        for (let p = 0; p < S; p++) {
          let best = 0, positives = 0;
          for (let x = 0; x < N; x++) positives += dense[x * S + p];
          for (const t of THRESHOLDS) {
            let on = 0, tp = 0;
            for (let x = 0; x < N; x++) if (acts[x * F + f] > Math.fround(t * M)) { on++; tp += dense[x * S + p]; }
            if (tp > 0) best = Math.max(best, f1Score(tp, on, positives).f1);
          }
          expect(fam.f1[i * S + p]).toBeCloseTo(best, 6);
        }
      }
    }
  });

  it('keeps the top positions, histogram and range examples consistent with the activations', () => {
    const F = 5;
    const { positions, N, acts } = sample(F, 11);
    const atlas = buildAtlas(acts, N, F, positions, families);
    for (let i = 0; i < atlas.alive.length; i++) {
      const f = atlas.alive[i];
      const col = Array.from({ length: N }, (_, x) => acts[x * F + f]);
      const sorted = col.filter((a) => a > 0).sort((a, b) => b - a);
      const top = Array.from(atlas.topActs.subarray(i * TOP_POSITIONS, (i + 1) * TOP_POSITIONS));
      expect(top).toEqual(sorted.slice(0, TOP_POSITIONS));
      for (let k = 0; k < TOP_POSITIONS; k++) expect(col[atlas.topPositions[i * TOP_POSITIONS + k]]).toBe(top[k]);
      const hist = atlas.histogram.subarray(i * HISTOGRAM_BINS, (i + 1) * HISTOGRAM_BINS).reduce((s, v) => s + v, 0);
      expect(hist).toBe(sorted.length);
      expect(atlas.density[i]).toBeCloseTo(sorted.length / N, 6);
      for (let g = 0; g < RANGE_GROUPS; g++) {
        for (let e = 0; e < RANGE_EXAMPLES; e++) {
          const x = atlas.rangeExamples[(i * RANGE_GROUPS + g) * RANGE_EXAMPLES + e];
          if (x < 0) continue;
          const rel = col[x] / sorted[0];
          expect(Math.min(RANGE_GROUPS - 1, Math.floor(rel * RANGE_GROUPS))).toBe(g);
          expect(atlas.rangeActs[(i * RANGE_GROUPS + g) * RANGE_EXAMPLES + e]).toBe(col[x]);
        }
      }
    }
  });

  it('ranks matches per feature and features per entry', () => {
    const F = 9;
    const { positions, N, acts } = sample(F, 3);
    const atlas = buildAtlas(acts, N, F, positions, families);
    const m = bestMatches(atlas, atlas.alive[0], 5);
    expect(m.length).toBe(5);
    for (let k = 1; k < m.length; k++) expect(m[k].f1).toBeLessThanOrEqual(m[k - 1].f1);
    const b = bestFeaturesFor(atlas, 'mine-yours', 27 * 3 + 1, 3); // d4 empty never happens: centre square
    expect(b).toEqual([]);
    const c = bestFeaturesFor(atlas, 'valid-moves', 19, 20);
    for (const r of c) expect(r.f1).toBe(atlas.families[1].f1[atlas.aliveIndex[r.feature] * 64 + 19]);
    expect(bestMatches(atlas, F - 1)).toEqual([]);
  });

  it('refuses mismatched shapes', () => {
    expect(() => buildAtlas(new Float32Array(10), 3, 4, [], families)).toThrow(/activations/);
  });
});
