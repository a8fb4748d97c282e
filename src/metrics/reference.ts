// The supervised metrics' counts computed straight from their definitions (spec 3.3, 3.5), looping
// densely over thresholds, features, properties and positions. Far too slow for 1,000 games; kept as
// the reference the fast paths are tested against (identical integer counts).
import type { ClassifierCounts } from './counts';
import { LEVELS, thresholdTable } from './levels';
import type { FeatureLabels, ReconstructionCounts } from './reconstruction';

/** acts [N, F_alive] activations of the alive features; props [N, P] dense 0/1. */
export function referenceCounts(acts: Float32Array, scale: Float32Array, props: Uint8Array, N: number, P: number): ClassifierCounts {
  const F = scale.length;
  const thr = thresholdTable(scale);
  const on = new Float64Array(LEVELS * F), tp = new Uint32Array(LEVELS * F * P), totals = new Uint32Array(P);
  for (let x = 0; x < N; x++) for (let p = 0; p < P; p++) totals[p] += props[x * P + p];
  for (let t = 0; t < LEVELS; t++) {
    for (let f = 0; f < F; f++) {
      const th = thr[f * LEVELS + t];
      for (let x = 0; x < N; x++) if (acts[x * F + f] > th) on[t * F + f]++;
      for (let p = 0; p < P; p++) {
        let n = 0;
        for (let x = 0; x < N; x++) if (acts[x * F + f] > th && props[x * P + p] === 1) n++;
        tp[(t * F + f) * P + p] = n;
      }
    }
  }
  return { features: F, size: P, on, tp, totals };
}

/** The reconstruction counts of spec 3.5: predicted board = any feature on at t that labels the entry. */
export function referenceReconstructionCounts(labels: FeatureLabels, acts: Float32Array, scale: Float32Array, truth: Uint8Array, N: number, P: number, classes: number): ReconstructionCounts {
  const F = scale.length, thr = thresholdTable(scale);
  const dense = new Uint8Array(LEVELS * F * P);
  for (let tf = 0; tf < LEVELS * F; tf++) for (let j = labels.offsets[tf]; j < labels.offsets[tf + 1]; j++) dense[tf * P + labels.entries[j]] = 1;
  const out: ReconstructionCounts = { tp: Array(LEVELS).fill(0), fp: Array(LEVELS).fill(0), fn: Array(LEVELS).fill(0), tpAndFp: Array(LEVELS).fill(0) };
  for (let t = 0; t < LEVELS; t++) {
    for (let x = 0; x < N; x++) {
      const pred = new Uint8Array(P);
      if (t < LEVELS - 1) {
        for (let p = 0; p < P; p++) for (let f = 0; f < F; f++) if (acts[x * F + f] > thr[f * LEVELS + t] && dense[(t * F + f) * P + p]) { pred[p] = 1; break; }
      } else {
        // adaptive last slot: each feature uses the highest threshold at which it is on and has at least one label
        for (let f = 0; f < F; f++) {
          let best = -1;
          for (let u = 0; u < LEVELS; u++) if (acts[x * F + f] > thr[f * LEVELS + u] && dense.subarray((u * F + f) * P, (u * F + f + 1) * P).includes(1)) best = u;
          if (best >= 0) for (let p = 0; p < P; p++) if (dense[(best * F + f) * P + p]) pred[p] = 1;
        }
      }
      for (let sq = 0; sq < P / classes; sq++) {
        let tp = 0, fp = 0;
        for (let c = 0; c < classes; c++) {
          const p = sq * classes + c, y = truth[x * P + p];
          if (pred[p] && y) tp++;
          else if (pred[p]) fp++;
          else if (y) out.fn[t]++;
        }
        out.tp[t] += tp;
        out.fp[t] += fp;
        if (tp === 1 && fp === 1) out.tpAndFp[t]++;
      }
    }
  }
  return out;
}
