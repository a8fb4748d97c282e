// Coverage (spec 3.4): for each threshold, the mean over the family's entries of the best F1 any
// alive feature reaches as a classifier of that entry; the family's coverage is the best threshold's
// mean. The denominator is R*R*C even when a class is masked (as published: Othello's masked set
// has a 2/3 ceiling).
import type { ClassifierCounts } from './counts';
import { LEVELS, THRESHOLDS } from './levels';

export const EPS = 1e-8;

export function f1Score(tp: number, on: number, positives: number): { precision: number; recall: number; f1: number } {
  const precision = tp / (on + EPS);
  const recall = tp / (positives + EPS);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall + EPS) };
}

export interface BestFeature {
  /** alive-list index of the best feature, -1 when no feature has F1 > 0 */
  feature: number;
  f1: number;
  precision: number;
  recall: number;
}

/** Calls `visit` with the scores of every (threshold, feature, entry) that has a true positive. */
export function eachClassifier(c: ClassifierCounts, visit: (t: number, f: number, p: number, s: ReturnType<typeof f1Score>) => void): void {
  const { features: F, size: P } = c;
  for (let t = 0; t < LEVELS; t++) {
    for (let f = 0; f < F; f++) {
      const on = c.on[t * F + f];
      if (on === 0) continue;
      const base = (t * F + f) * P;
      for (let p = 0; p < P; p++) {
        const tp = c.tp[base + p];
        if (tp !== 0) visit(t, f, p, f1Score(tp, on, c.totals[p]));
      }
    }
  }
}

/** [LEVELS][size] the best feature per entry at every threshold. */
export function bestFeatures(c: ClassifierCounts): BestFeature[][] {
  const out: BestFeature[][] = Array.from({ length: LEVELS }, () => Array.from({ length: c.size }, () => ({ feature: -1, f1: 0, precision: 0, recall: 0 })));
  eachClassifier(c, (t, f, p, s) => { if (s.f1 > out[t][p].f1) out[t][p] = { feature: f, ...s }; });
  return out;
}

export interface CoverageResult {
  coverage: number;
  /** threshold value that gave it */
  threshold: number;
  /** coverage at each of the 11 thresholds */
  per_threshold: number[];
  /** fraction of entries whose best F1 exceeds 0.8, at the threshold where it is largest (the notebook's secondary variant) */
  f1_above_0_8: number;
  /** per entry at the chosen threshold: best feature (alive index) and its F1 */
  best: BestFeature[];
}

export function coverage(c: ClassifierCounts, best = bestFeatures(c)): CoverageResult {
  const perThreshold = best.map((row) => row.reduce((s, b) => s + b.f1, 0) / c.size);
  let t = 0;
  perThreshold.forEach((v, i) => { if (v > perThreshold[t]) t = i; });
  return {
    coverage: perThreshold[t],
    threshold: THRESHOLDS[t],
    per_threshold: perThreshold,
    f1_above_0_8: Math.max(...best.map((row) => row.filter((b) => b.f1 > 0.8).length / c.size)),
    best: best[t],
  };
}
