// The linear-probe baseline (spec 5): a probe's prediction of each test position's board, scored
// with exactly the board-reconstruction counts the SAEs get. Multiclass probes predict the argmax
// class of each square (probePredict); binary ones (legal / not legal) predict "legal" when that class wins.
import type { PropertyTable } from './bsp';
import { LEVELS, type FeatureLevels } from './levels';
import { reconstructionCounts, reconstructionScore, type FeatureLabels } from './reconstruction';

/**
 * Board-reconstruction F1 of fixed predictions: each predicted entry becomes a "feature" that is on
 * (at every threshold) where predicted and labels exactly its own entry, so the scoring is the
 * SAEs' own code. `predicted(row, out)` pushes the predicted entries of test position `row`.
 */
export function predictionF1(truth: PropertyTable, classes: number, predicted: (row: number, out: number[]) => void) {
  const P = truth.size, offsets = new Uint32Array(truth.positions + 1), feature: number[] = [];
  const scratch: number[] = [];
  for (let x = 0; x < truth.positions; x++) {
    scratch.length = 0;
    predicted(x, scratch);
    feature.push(...scratch);
    offsets[x + 1] = feature.length;
  }
  const levels: FeatureLevels = { positions: truth.positions, features: P, offsets, feature: Uint32Array.from(feature), level: new Uint8Array(feature.length).fill(LEVELS - 1) };
  const labelOffsets = new Uint32Array(LEVELS * P + 1);
  for (let i = 1; i <= LEVELS * P; i++) labelOffsets[i] = i;
  const labels: FeatureLabels = { features: P, offsets: labelOffsets, entries: Uint16Array.from({ length: LEVELS * P }, (_, i) => i % P) };
  const counts = reconstructionCounts(labels, levels, truth, classes);
  return { f1: reconstructionScore(counts).f1_per_class[0], counts: { tp: counts.tp[0], fp: counts.fp[0], fn: counts.fn[0] } };
}
