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
/** The last threshold slot (t = 1.0) is replaced by the paper's adaptive rule (spec 3.5, step 4). */
const LAST = LEVELS - 1;
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

const popcount = (v: number) => {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
};

/**
 * Fast path, bit-packed: each (threshold, feature)'s labels and each position's true board are bit
 * planes (one plane of R*R bits per class), so the predicted board at t is an OR of the label
 * planes of the features on at t, and TP / FP / FN are popcounts. "Exactly one true positive and
 * exactly one false positive on a square" is computed across the class planes with bit-sliced
 * once/twice counters.
 */
export function reconstructionCounts(labels: FeatureLabels, levels: FeatureLevels, truth: PropertyTable, classes: number): ReconstructionCounts {
  if (levels.positions !== truth.positions) throw new Error(`levels cover ${levels.positions} positions but ${truth.family} covers ${truth.positions}`);
  const F = labels.features, squares = truth.size / classes, W = Math.ceil(squares / 32), board = classes * W;
  // label planes [LEVELS * F][classes][W]
  const labelBits = new Uint32Array(LEVELS * F * board);
  const hasLabels = new Uint8Array(LEVELS * F);
  for (let tf = 0; tf < LEVELS * F; tf++) {
    for (let j = labels.offsets[tf]; j < labels.offsets[tf + 1]; j++) {
      const p = labels.entries[j], sq = (p / classes) | 0, c = p - sq * classes;
      labelBits[tf * board + c * W + (sq >>> 5)] |= 1 << (sq & 31);
      hasLabels[tf] = 1;
    }
  }
  const out: ReconstructionCounts = { tp: Array(LEVELS).fill(0), fp: Array(LEVELS).fill(0), fn: Array(LEVELS).fill(0), tpAndFp: Array(LEVELS).fill(0) };
  const pred = new Uint32Array(LEVELS * board), real = new Uint32Array(board);
  for (let x = 0; x < levels.positions; x++) {
    real.fill(0);
    for (let j = truth.offsets[x]; j < truth.offsets[x + 1]; j++) {
      const p = truth.indices[j], sq = (p / classes) | 0, c = p - sq * classes;
      real[c * W + (sq >>> 5)] |= 1 << (sq & 31);
    }
    pred.fill(0);
    for (let k = levels.offsets[x]; k < levels.offsets[x + 1]; k++) {
      const f = levels.feature[k], top = Math.min(levels.level[k], LAST - 1);
      let adaptive = -1;
      for (let t = 0; t <= levels.level[k]; t++) {
        const tf = t * F + f;
        if (!hasLabels[tf]) continue;
        adaptive = tf;
        if (t > top) continue;
        const src = tf * board, dst = t * board;
        for (let i = 0; i < board; i++) pred[dst + i] |= labelBits[src + i];
      }
      // the last slot: each active feature contributes its labels at the highest threshold where it is on and has any
      if (adaptive >= 0) for (let i = 0, src = adaptive * board, dst = LAST * board; i < board; i++) pred[dst + i] |= labelBits[src + i];
    }
    for (let t = 0; t < LEVELS; t++) {
      const base = t * board;
      for (let w = 0; w < W; w++) {
        let tpOnce = 0, tpTwice = 0, fpOnce = 0, fpTwice = 0;
        for (let c = 0; c < classes; c++) {
          const pr = pred[base + c * W + w], tr = real[c * W + w];
          const tp = pr & tr, fp = pr & ~tr;
          out.tp[t] += popcount(tp);
          out.fp[t] += popcount(fp);
          out.fn[t] += popcount(tr & ~pr);
          tpTwice |= tpOnce & tp; tpOnce |= tp;
          fpTwice |= fpOnce & fp; fpOnce |= fp;
        }
        out.tpAndFp[t] += popcount(tpOnce & ~tpTwice & fpOnce & ~fpTwice);
      }
    }
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
  /** [LEVELS] per-class (micro) F1; the last entry is the adaptive-threshold variant ("last_f1_score_per_class") */
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
