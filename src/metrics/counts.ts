// Per-feature classifier counts (spec 3.3) over the train split: on(t, f), TP(t, f, phi) and N(phi).
//
// Fast path: each position adds its positive properties once to the row of (level, feature) for
// every active feature, and a suffix sum over levels turns "on exactly at level l" into "on at
// threshold t" (f on at t <=> level >= t). The work is positions x active features x positive
// properties instead of thresholds x features x properties x positions.
// The plain definition is in reference.ts; tests require identical counts from both.
import { propertyTable, type BspFamily, type PropertyTable } from './bsp';
import { LEVELS, type FeatureLevels } from './levels';

export interface ClassifierCounts {
  features: number;
  size: number;
  /** [LEVELS, features] positions where feature f is on at threshold t */
  on: Float64Array;
  /** [LEVELS, features, size] positions where f is on at t and the property is 1 */
  tp: Uint32Array;
  /** [size] positions where the property is 1 */
  totals: Uint32Array;
}

export function onCounts(levels: FeatureLevels): Float64Array {
  const F = levels.features;
  const on = new Float64Array(LEVELS * F);
  for (let k = 0; k < levels.feature.length; k++) on[levels.level[k] * F + levels.feature[k]]++;
  for (let l = LEVELS - 2; l >= 0; l--) for (let f = 0; f < F; f++) on[l * F + f] += on[(l + 1) * F + f];
  return on;
}

export function classifierCounts(levels: FeatureLevels, props: PropertyTable, on = onCounts(levels)): ClassifierCounts {
  if (levels.positions !== props.positions) throw new Error(`levels cover ${levels.positions} positions but ${props.family} covers ${props.positions}`);
  const F = levels.features, P = props.size;
  const tp = new Uint32Array(LEVELS * F * P);
  const { offsets, feature, level } = levels;
  const po = props.offsets, pi = props.indices;
  for (let x = 0; x < levels.positions; x++) {
    const p0 = po[x], p1 = po[x + 1];
    if (p0 === p1) continue;
    for (let k = offsets[x]; k < offsets[x + 1]; k++) {
      const base = (level[k] * F + feature[k]) * P;
      for (let j = p0; j < p1; j++) tp[base + pi[j]]++;
    }
  }
  const plane = F * P;
  for (let l = LEVELS - 2; l >= 0; l--) {
    const a = l * plane, b = (l + 1) * plane;
    for (let i = 0; i < plane; i++) tp[a + i] += tp[b + i];
  }
  return { features: F, size: P, on, tp, totals: props.totals };
}

/**
 * Completes counts made without class `exclude` of a one-hot family: every square has exactly one
 * class, so that class's true positives are "on" minus the other classes' (and likewise N(phi)).
 */
export function completeOneHot(c: ClassifierCounts, classes: number, exclude: number, positions: number): ClassifierCounts {
  const { features: F, size: P } = c;
  const tp = c.tp.slice(), totals = c.totals.slice();
  for (let sq = 0; sq < P / classes; sq++) {
    let n = positions;
    for (let k = 0; k < classes; k++) if (k !== exclude) n -= totals[sq * classes + k];
    totals[sq * classes + exclude] = n;
  }
  for (let tf = 0; tf < LEVELS * F; tf++) {
    const on = c.on[tf], row = tf * P;
    for (let sq = 0; sq < P / classes; sq++) {
      let n = on;
      for (let k = 0; k < classes; k++) if (k !== exclude) n -= tp[row + sq * classes + k];
      tp[row + sq * classes + exclude] = n;
    }
  }
  return { ...c, tp, totals };
}

/** A family's counts by the cheapest exact route; one-hot families with a common base share `cache`. */
export function familyCounts<P>(family: BspFamily<P>, levels: FeatureLevels, positions: readonly P[], on = onCounts(levels), cache = new Map<string, ClassifierCounts>()): ClassifierCounts {
  const oh = family.oneHot;
  if (!oh) return classifierCounts(levels, propertyTable(family, positions), on);
  const key = `${oh.base ?? family.id}/${oh.exclude}`;
  let c = cache.get(key);
  if (!c) { c = classifierCounts(levels, propertyTable(family, positions, oh.exclude), on); cache.set(key, c); }
  return family.maskedClass === oh.exclude ? c : completeOneHot(c, family.classes, oh.exclude, levels.positions);
}
