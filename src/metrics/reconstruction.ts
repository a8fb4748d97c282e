// Board reconstruction (spec 3.5). Train split: feature f "labels" entry phi at threshold t when it
// is a precise classifier of it (precision >= 0.95 and >= 10 true positives). Test split: the
// predicted board at t is the union of the labels of the features on at t; it is scored against the
// true board, pooled over positions and entries (micro F1). The threshold is chosen by the
// per-square F1 over t in {0, ..., 0.9}; the per-class F1 at that threshold is reported.
import type { PropertyTable } from './bsp';
import type { ClassifierCounts } from './counts';
import { EPS } from './coverage';
import { LEVELS, THRESHOLDS, type FeatureLevels } from './levels';

const HIGH_PRECISION = Math.fround(0.95);
const MIN_SUPPORT = 10;

/** Labels per (threshold, alive feature): the entries it predicts, CSR over t * F + f. */
export interface FeatureLabels {
  features: number;
  offsets: Uint32Array;
  entries: Uint16Array;
}

export function featureLabels(c: ClassifierCounts): FeatureLabels {
  const { features: F, size: P } = c;
  const offsets = new Uint32Array(LEVELS * F + 1);
  const entries: number[] = [];
  for (let tf = 0; tf < LEVELS * F; tf++) {
    const on = c.on[tf];
    // float32 as in the paper: precision = TP * (1 / on), compared with float32(0.95)
    const inv = on > 0 ? Math.fround(1 / on) : 0;
    for (let p = 0; p < P; p++) {
      const tp = c.tp[tf * P + p];
      if (tp >= MIN_SUPPORT && Math.fround(tp * inv) >= HIGH_PRECISION) entries.push(p);
    }
    offsets[tf + 1] = entries.length;
  }
  return { features: F, offsets, entries: Uint16Array.from(entries) };
}

export interface ReconstructionCounts {
  /** [LEVELS] pooled over test positions and entries */
  tp: number[];
  fp: number[];
  fn: number[];
  /** [LEVELS] squares with exactly one true-positive and exactly one false-positive class */
  tpAndFp: number[];
}

export function reconstructionCounts(labels: FeatureLabels, levels: FeatureLevels, truth: PropertyTable, classes: number): ReconstructionCounts {
  if (levels.positions !== truth.positions) throw new Error(`levels cover ${levels.positions} positions but ${truth.family} covers ${truth.positions}`);
  const P = truth.size, F = labels.features, squares = P / classes;
  const out: ReconstructionCounts = { tp: Array(LEVELS).fill(0), fp: Array(LEVELS).fill(0), fn: Array(LEVELS).fill(0), tpAndFp: Array(LEVELS).fill(0) };
  const isTrue = new Uint8Array(P), predicted = new Int32Array(P).fill(-1);
  const sqTp = new Uint8Array(squares), sqFp = new Uint8Array(squares);
  const touched: number[] = [];
  let stamp = 0;
  for (let x = 0; x < levels.positions; x++) {
    const t0 = truth.offsets[x], t1 = truth.offsets[x + 1];
    for (let j = t0; j < t1; j++) isTrue[truth.indices[j]] = 1;
    for (let t = 0; t < LEVELS; t++, stamp++) {
      touched.length = 0;
      for (let k = levels.offsets[x]; k < levels.offsets[x + 1]; k++) {
        if (levels.level[k] < t) continue;
        const tf = t * F + levels.feature[k];
        for (let j = labels.offsets[tf]; j < labels.offsets[tf + 1]; j++) {
          const p = labels.entries[j];
          if (predicted[p] !== stamp) { predicted[p] = stamp; touched.push(p); }
        }
      }
      let tp = 0;
      for (const p of touched) {
        const sq = (p / classes) | 0;
        if (isTrue[p]) { tp++; sqTp[sq]++; } else sqFp[sq]++;
      }
      let both = 0;
      for (const p of touched) {
        const sq = (p / classes) | 0;
        if (sqTp[sq] === 1 && sqFp[sq] === 1) both++;
        sqTp[sq] = 0; sqFp[sq] = 0; // later classes of this square see zeros: it counts once
      }
      out.tp[t] += tp;
      out.fp[t] += touched.length - tp;
      out.fn[t] += t1 - t0 - tp;
      out.tpAndFp[t] += both;
    }
    for (let j = t0; j < t1; j++) isTrue[truth.indices[j]] = 0;
  }
  return out;
}

const microF1 = (tp: number, fp: number, fn: number) => {
  const precision = tp / (tp + fp + EPS), recall = tp / (tp + fn + EPS);
  return (2 * precision * recall) / (precision + recall + EPS);
};

export interface ReconstructionResult {
  /** per-class F1 at the chosen threshold: the published number */
  board_reconstruction: number;
  threshold: number;
  /** [LEVELS] per-class (micro) F1 */
  f1_per_class: number[];
  /** [LEVELS] F1 after counting squares with both a true and a false positive as wrong */
  f1_per_square: number[];
  counts: ReconstructionCounts;
}

export function reconstructionScore(counts: ReconstructionCounts): ReconstructionResult {
  const perClass = counts.tp.map((tp, t) => microF1(tp, counts.fp[t], counts.fn[t]));
  const perSquare = counts.tp.map((tp, t) => microF1(tp - counts.tpAndFp[t], counts.fp[t], counts.fn[t]));
  let best = 0;
  // The last slot (t = 1.0) is excluded from the choice, as in the paper.
  for (let t = 1; t < LEVELS - 1; t++) if (perSquare[t] > perSquare[best]) best = t;
  return { board_reconstruction: perClass[best], threshold: THRESHOLDS[best], f1_per_class: perClass, f1_per_square: perSquare, counts };
}
