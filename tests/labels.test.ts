// The label rules (src/metrics/labels.ts): a match is judged against a feature that always fires,
// needs enough true positives, and two atlases of one SAE can be compared label by label.
import { describe, expect, it } from 'vitest';
import { buildAtlas } from '../src/metrics/atlas';
import { alwaysOnF1, featureLabel, judgedFeaturesFor, judgedMatches, labelAgreement, MIN_SUPPORT, skillOver } from '../src/metrics/labels';
import { OTHELLO_BSP_FAMILIES, OTHELLO_OCCUPIED, othelloPositions, randomGames } from '../src/games/othello';

const families = [OTHELLO_BSP_FAMILIES.find((f) => f.id === 'mine-yours')!, OTHELLO_OCCUPIED];

/**
 * Feature 0 always fires; 1 fires when d3 (19) is occupied; 2 fires exactly when c4 (26) holds
 * "mine", and the sample keeps only the first `mineC4` positions where it does (so that entry's
 * support is known).
 */
function atlasOf(games: number, mineC4: number) {
  const isMine = (p: ReturnType<typeof othelloPositions>[number]) => p.state.cells[26] !== 0 && mineYoursClass(p, 26) === 2;
  let kept = 0;
  const positions = randomGames(games, 7).flatMap((g) => othelloPositions(g)).filter((p) => !isMine(p) || kept++ < mineC4);
  const F = 3, N = positions.length, acts = new Float32Array(N * F);
  positions.forEach((p, x) => {
    acts[x * F] = 1;
    if (p.state.cells[19] !== 0) acts[x * F + 1] = 2;
    if (isMine(p)) acts[x * F + 2] = 1;
  });
  return buildAtlas(acts, N, F, positions, families);
}

/** The mine-yours class of a square (0 theirs, 1 empty, 2 mine), from the family itself. */
function mineYoursClass(p: ReturnType<typeof othelloPositions>[number], sq: number): number {
  const out: number[] = [];
  families[0].positives(p, out);
  return out.find((i) => Math.floor(i / 3) === sq)! % 3;
}

describe('label rules', () => {
  it('a feature that always fires scores exactly the always-on F1 and names nothing', () => {
    const atlas = atlasOf(20, 5);
    const all = judgedMatches(atlas, 0, 1000);
    expect(all.length).toBeGreaterThan(100);
    for (const m of all) {
      expect(m.f1).toBeCloseTo(alwaysOnF1(m.baseRate), 5);
      expect(Math.abs(m.skill)).toBeLessThan(1e-5);
      expect(m.labelled).toBe(false);
    }
    expect(featureLabel(atlas, 0)).toBeNull();
  });

  it('names an occupied-square feature "occupied", with its baseline and support', () => {
    const atlas = atlasOf(20, 5);
    const label = featureLabel(atlas, 1)!;
    expect(label.best).toMatchObject({ family: 'occupied', entry: 19, f1: 1, precision: 1, recall: 1, skill: 1, labelled: true });
    expect(label.best.support).toBe(atlas.families[1].totals[19]);
    // "d3 mine" and "d3 theirs" score about half each: below "occupied" by skill
    const [first, ...rest] = judgedMatches(atlas, 1, 3);
    expect(first.family).toBe('occupied');
    for (const m of rest) expect(m.skill).toBeLessThan(first.skill);
    expect(judgedFeaturesFor(atlas, 'occupied', 19, 1)[0].feature).toBe(1);
  });

  it('a perfect match on too few positions is not a label', () => {
    const few = atlasOf(20, MIN_SUPPORT - 1), enough = atlasOf(20, 4 * MIN_SUPPORT);
    const m = judgedFeaturesFor(few, 'mine-yours', 26 * 3 + 2, 3).find((x) => x.feature === 2);
    expect(m).toMatchObject({ f1: 1, support: MIN_SUPPORT - 1, labelled: false });
    expect(featureLabel(few, 2)).toBeNull();
    expect(featureLabel(enough, 2)?.best).toMatchObject({ family: 'mine-yours', entry: 26 * 3 + 2, f1: 1, support: 4 * MIN_SUPPORT });
  });

  it('skill is 0 at the baseline and 1 for a perfect classifier', () => {
    expect(skillOver(0.5, 0.5)).toBe(0);
    expect(skillOver(1, 0.3)).toBe(1);
    expect(skillOver(0.49, 0.67)).toBeLessThan(0);
    expect(alwaysOnF1(0.5)).toBeCloseTo(2 / 3, 12);
    expect(alwaysOnF1(0)).toBe(0);
  });

  it('compares the labels of two atlases of one SAE', () => {
    const a = atlasOf(20, 100), b = atlasOf(20, 100);
    expect(labelAgreement(a, b)).toEqual({ features: 3, labelledA: 2, labelledB: 2, both: 2, agree: 2 });
    const small = atlasOf(2, 100);
    const r = labelAgreement(small, a);
    expect(r.features).toBe(3);
    expect(r.agree).toBeLessThanOrEqual(r.both);
  });
});
