// A feature atlas: what the workbench shows about every SAE feature, measured on a sample of games
// with the metrics' own definitions (spec 3.2-3.3: M_f scaling, 11 thresholds, strict a > t*M_f).
// Per alive feature: its F1 / precision / recall as a classifier of every entry of a property family
// at the threshold where its F1 is best, an activation histogram, the top-activating positions and
// example positions from four activation ranges ("quantile groups").
import type { BspFamily } from './bsp';
import { familySize } from './bsp';
import { familyCounts, onCounts } from './counts';
import { eachClassifier } from './coverage';
import { featureScales, LevelsBuilder, THRESHOLDS } from './levels';

export const HISTOGRAM_BINS = 20;
export const TOP_POSITIONS = 12;
export const RANGE_GROUPS = 4;
export const RANGE_EXAMPLES = 3;

export interface AtlasFamily {
  id: string;
  size: number;
  classes: number;
  /** [alive, size] the feature's best F1 over thresholds for each entry, and P / R / threshold there */
  f1: Float32Array;
  precision: Float32Array;
  recall: Float32Array;
  threshold: Float32Array;
  /** [size] N(phi): scored positions where the entry is 1 (its base rate is totals / scored) */
  totals: Uint32Array;
}

export interface FeatureAtlas {
  /** SAE width */
  features: number;
  positions: number;
  /** positions the property families were scored at (chess: the '.' characters) */
  scored: number;
  /** alive SAE ids (fired at least once on the sample), their M_f and [features] SAE id -> alive index (-1 dead) */
  alive: Uint32Array;
  scale: Float32Array;
  aliveIndex: Int32Array;
  /** [alive] fraction of positions where the feature is > 0 */
  density: Float32Array;
  /** [alive, HISTOGRAM_BINS] counts of nonzero activations in equal bins of (0, M_f] */
  histogram: Uint32Array;
  /** [alive, TOP_POSITIONS] position indices (-1 when fewer) and activations, largest first */
  topPositions: Int32Array;
  topActs: Float32Array;
  /** [alive, RANGE_GROUPS, RANGE_EXAMPLES] example positions with a/M_f in [g/4, (g+1)/4), -1 when none */
  rangeExamples: Int32Array;
  /** [alive, RANGE_GROUPS, RANGE_EXAMPLES] the activation at each example (0 where none) */
  rangeActs: Float32Array;
  families: AtlasFamily[];
}

/**
 * Builds the atlas from dense activations acts [N, F]. Scales, histograms and top positions use every
 * row; the property families are scored at `scored` rows (all rows when absent; chess: the '.'
 * characters), which `positions` describe in order.
 */
export function buildAtlas<P>(acts: Float32Array, N: number, F: number, positions: readonly P[], families: readonly BspFamily<P>[], scored?: ArrayLike<number>): FeatureAtlas {
  if (acts.length !== N * F) throw new Error(`atlas: ${acts.length} activations for ${N} positions x ${F} features`);
  if (positions.length !== (scored?.length ?? N)) throw new Error(`atlas: ${positions.length} positions described for ${scored?.length ?? N} scored rows`);
  const { alive, scale } = featureScales(acts, N, F);
  const A = alive.length;
  const aliveIndex = new Int32Array(F).fill(-1);
  alive.forEach((f, i) => { aliveIndex[f] = i; });

  const density = new Float32Array(A), histogram = new Uint32Array(A * HISTOGRAM_BINS);
  const topPositions = new Int32Array(A * TOP_POSITIONS).fill(-1), topActs = new Float32Array(A * TOP_POSITIONS);
  const rangeExamples = new Int32Array(A * RANGE_GROUPS * RANGE_EXAMPLES).fill(-1), rangeActs = new Float32Array(A * RANGE_GROUPS * RANGE_EXAMPLES);
  const rangeFill = new Uint8Array(A * RANGE_GROUPS);
  for (let x = 0; x < N; x++) {
    const row = x * F;
    for (let i = 0; i < A; i++) {
      const a = acts[row + alive[i]];
      if (a === 0) continue;
      const rel = Math.abs(a) / scale[i];
      density[i]++;
      histogram[i * HISTOGRAM_BINS + Math.min(HISTOGRAM_BINS - 1, Math.floor(rel * HISTOGRAM_BINS))]++;
      insertTop(topPositions, topActs, i * TOP_POSITIONS, x, a);
      const g = i * RANGE_GROUPS + Math.min(RANGE_GROUPS - 1, Math.floor(rel * RANGE_GROUPS));
      if (rangeFill[g] < RANGE_EXAMPLES) {
        rangeActs[g * RANGE_EXAMPLES + rangeFill[g]] = a;
        rangeExamples[g * RANGE_EXAMPLES + rangeFill[g]++] = x;
      }
    }
  }
  for (let i = 0; i < A; i++) density[i] /= N;

  const builder = new LevelsBuilder(alive, scale, F);
  builder.add(acts, N, scored);
  const levels = builder.build();
  const on = onCounts(levels);
  const cache = new Map();
  const out: AtlasFamily[] = families.map((family) => {
    const c = familyCounts(family, levels, positions, on, cache);
    const S = familySize(family as BspFamily<unknown>);
    const f1 = new Float32Array(A * S), precision = new Float32Array(A * S), recall = new Float32Array(A * S), threshold = new Float32Array(A * S);
    eachClassifier(c, (t, f, p, s) => {
      const k = f * S + p;
      if (s.f1 > f1[k]) { f1[k] = s.f1; precision[k] = s.precision; recall[k] = s.recall; threshold[k] = THRESHOLDS[t]; }
    });
    return { id: family.id, size: S, classes: family.classes, f1, precision, recall, threshold, totals: c.totals };
  });
  return { features: F, positions: N, scored: positions.length, alive, scale, aliveIndex, density, histogram, topPositions, topActs, rangeExamples, rangeActs, families: out };
}

/** Keeps the K largest activations of one feature, sorted descending, in place. */
function insertTop(pos: Int32Array, vals: Float32Array, base: number, x: number, a: number): void {
  const K = TOP_POSITIONS;
  if (pos[base + K - 1] !== -1 && a <= vals[base + K - 1]) return;
  let j = K - 1;
  while (j > 0 && (pos[base + j - 1] === -1 || vals[base + j - 1] < a)) {
    pos[base + j] = pos[base + j - 1];
    vals[base + j] = vals[base + j - 1];
    j--;
  }
  pos[base + j] = x;
  vals[base + j] = a;
}

export interface FeatureMatch {
  family: string;
  entry: number;
  f1: number;
  precision: number;
  recall: number;
  threshold: number;
}

/** The feature's best-matching entries (by F1) across the atlas families. */
export function bestMatches(atlas: FeatureAtlas, feature: number, limit = 8): FeatureMatch[] {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return [];
  const all: FeatureMatch[] = [];
  for (const fam of atlas.families) {
    for (let p = 0; p < fam.size; p++) {
      const k = i * fam.size + p;
      if (fam.f1[k] > 0) all.push({ family: fam.id, entry: p, f1: fam.f1[k], precision: fam.precision[k], recall: fam.recall[k], threshold: fam.threshold[k] });
    }
  }
  return all.sort((a, b) => b.f1 - a.f1).slice(0, limit);
}

/** The features that classify one family entry best (by F1), SAE ids. */
export function bestFeaturesFor(atlas: FeatureAtlas, family: string, entry: number, limit = 8): Array<FeatureMatch & { feature: number }> {
  const fam = atlas.families.find((f) => f.id === family);
  if (!fam) return [];
  const out: Array<FeatureMatch & { feature: number }> = [];
  for (let i = 0; i < atlas.alive.length; i++) {
    const k = i * fam.size + entry;
    if (fam.f1[k] > 0) out.push({ feature: atlas.alive[i], family, entry, f1: fam.f1[k], precision: fam.precision[k], recall: fam.recall[k], threshold: fam.threshold[k] });
  }
  return out.sort((a, b) => b.f1 - a.f1).slice(0, limit);
}
