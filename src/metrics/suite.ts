// The supervised metrics suite (spec 3) over a train and a test split of games, for any dictionary
// (SAE features, MLP neurons) and any game: scale sample -> alive features and M_f; feature levels
// on both splits; per property family, classifier counts -> coverage, labels -> board reconstruction.
// L0, FVE and the l2 ratio come from the same test-split pass.
import { propertyTable, type BspFamily } from './bsp';
import { familyCounts, onCounts, type ClassifierCounts } from './counts';
import { coverage, type CoverageResult } from './coverage';
import { featureScales, LevelsBuilder, type FeatureLevels } from './levels';
import { featureLabels, reconstructionCounts, reconstructionScore, type ReconstructionResult } from './reconstruction';
import { ReconstructionStats } from './unsupervised';

export interface EncodedGames {
  /** [n, features] activations at every token position of the games, in game order */
  acts: Float32Array;
  n: number;
  /** token positions per game (they sum to n) */
  lengths: number[];
  /** the dictionary's input and reconstruction [n, dIn], when it has them (SAEs) */
  x?: Float32Array;
  recon?: Float32Array;
}

export interface ActivationSource<G> {
  readonly features: number;
  encode(games: G[]): Promise<EncodedGames>;
}

/** The evaluated positions of a game: their token index and what the properties are computed from. */
export type EvaluatedPositions<G, P> = (game: G) => { rows: number[]; positions: P[] };

export interface SuiteOptions {
  /** games per encode call */
  batchGames?: number;
  /** games of the train split used for alive features and M_f (spec: min(n/2, 1000)) */
  scaleGames?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface FamilyResult {
  id: string;
  name: string;
  size: number;
  /** share of entries that are not masked: the highest coverage possible */
  ceiling: number;
  /** share of entries that were 1 somewhere in the train split */
  observed_ceiling: number;
  coverage: CoverageResult;
  reconstruction: ReconstructionResult;
}

export interface SuiteResult {
  features: number;
  /** SAE feature ids of the alive features; every per-feature index in this result is into this list */
  alive_features: number[];
  /** M_f per alive feature */
  scales: number[];
  l0: number;
  frac_variance_explained: number | null;
  l2_ratio: number | null;
  dead_fraction: number;
  train_positions: number;
  test_positions: number;
  families: FamilyResult[];
}

export async function supervisedMetrics<G, P>(source: ActivationSource<G>, evaluated: EvaluatedPositions<G, P>, families: readonly BspFamily<P>[],
  trainGames: G[], testGames: G[], opts: SuiteOptions = {}): Promise<SuiteResult> {
  const batch = opts.batchGames ?? 32, progress = opts.onProgress ?? (() => {});
  const F = source.features;
  if (trainGames.length === 0 || testGames.length === 0) throw new Error('the train and test splits need at least one game each');
  const scaleCount = Math.max(1, Math.min(opts.scaleGames ?? scaleSampleGames(trainGames.length), trainGames.length));
  progress('feature scales', 0, scaleCount);
  const scaleSet = await source.encode(trainGames.slice(0, scaleCount));
  const { alive, scale } = featureScales(scaleSet.acts, scaleSet.n, F);
  const stats = new ReconstructionStats(F);

  const pass = async (games: G[], stage: string, measure: boolean, first?: EncodedGames): Promise<{ levels: FeatureLevels; positions: P[] }> => {
    const builder = new LevelsBuilder(alive, scale, F);
    const positions: P[] = [];
    const consume = (enc: EncodedGames, chunk: G[]) => {
      const rows: number[] = [];
      let offset = 0;
      chunk.forEach((g, i) => {
        const ev = evaluated(g);
        for (const r of ev.rows) rows.push(offset + r);
        positions.push(...ev.positions);
        offset += enc.lengths[i];
      });
      builder.add(enc.acts, enc.n, rows);
      if (measure) stats.add(enc);
    };
    let start = 0;
    if (first) { consume(first, games.slice(0, scaleCount)); start = scaleCount; }
    for (; start < games.length; start += batch) {
      progress(stage, start, games.length);
      const chunk = games.slice(start, start + batch);
      consume(await source.encode(chunk), chunk);
    }
    progress(stage, games.length, games.length);
    return { levels: builder.build(), positions };
  };
  const train = await pass(trainGames, 'train split', false, scaleSet);
  const test = await pass(testGames, 'test split', true); // L0 / FVE on the test split
  const trainOn = onCounts(train.levels);

  const shared = new Map<string, ClassifierCounts>();
  const results = families.map((family, i) => {
    progress('properties', i, families.length);
    const counts = familyCounts(family, train.levels, train.positions, trainOn, shared);
    const cov = coverage(counts);
    const labels = featureLabels(counts);
    const testProps = propertyTable(family, test.positions);
    const rec = reconstructionScore(reconstructionCounts(labels, test.levels, testProps, family.classes));
    const squares = family.rows * family.rows;
    return {
      id: family.id, name: family.name, size: counts.size,
      ceiling: family.maskedClass === undefined ? 1 : 1 - squares / counts.size,
      observed_ceiling: counts.totals.reduce((s, n) => s + (n > 0 ? 1 : 0), 0) / counts.size,
      coverage: cov, reconstruction: rec,
    };
  });
  progress('properties', families.length, families.length);
  const u = stats.result();
  return {
    features: F, alive_features: Array.from(alive), scales: Array.from(scale),
    l0: u.l0, frac_variance_explained: u.fve, l2_ratio: u.l2Ratio, dead_fraction: 1 - alive.length / F,
    train_positions: train.levels.positions, test_positions: test.levels.positions, families: results,
  };
}

/** Train games whose activations set alive features and M_f (spec 3.2): min(n/2, 1000). */
export const scaleSampleGames = (trainGames: number) => Math.max(1, Math.min(Math.ceil(trainGames / 2), 1000));
