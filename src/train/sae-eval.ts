// Unsupervised SAE metrics (spec 3.6) on held-out activations: L0, fraction of variance explained,
// dead-feature fraction, and the fraction of next-move loss recovered when the hooked activation
// is replaced by the reconstruction (zero-ablation baseline).
import { cpuForward } from '../model/cpu-forward';
import type { Model } from '../model/weights';
import { cpuSae } from '../sae/cpu';
import type { Sae } from '../sae/types';
import { crossEntropy } from './cpu-backward';
import { ReconstructionStats } from '../metrics/unsupervised';

export interface SaeMetrics {
  l0: number;
  frac_variance_explained: number;
  dead_fraction: number;
  alive_features: number;
  frac_loss_recovered: number;
  ce_original: number;
  ce_reconstructed: number;
  ce_zero_ablated: number;
  positions: number;
}

export type SaeRun = (x: Float32Array, N: number) => Promise<{ acts: Float32Array; recon: Float32Array }>;

/** L0, FVE and dead fraction over x [N, d], in chunks. */
export async function reconstructionMetrics(run: SaeRun, sae: Sae, x: Float32Array, N: number, chunk = 2048) {
  const d = sae.dIn, F = sae.dSae;
  const fired = new Uint8Array(F), stats = new ReconstructionStats(F);
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    const xs = x.subarray(start * d, (start + n) * d);
    const { acts, recon } = await run(xs, n);
    for (let i = 0; i < n * F; i++) if (acts[i] !== 0) fired[i % F] = 1;
    stats.add({ acts, n, lengths: [n], x: xs, recon });
  }
  const r = stats.result(), alive = fired.reduce((a, b) => a + b, 0);
  return { l0: r.l0, frac_variance_explained: r.fve!, dead_fraction: 1 - alive / F, alive_features: alive };
}

/** Next-token cross-entropy with the hook left alone and with it zeroed: the same for every SAE on that hook. `sequences` are token ids (at most nCtx each). */
export function lossBaseline(model: Model, hook: string, sequences: number[][]) {
  return { ce_original: hookedCrossEntropy(model, hook, sequences), ce_zero_ablated: hookedCrossEntropy(model, hook, sequences, (x) => new Float32Array(x.length)) };
}

/** Fraction of next-token loss recovered when the hook is replaced by the SAE's reconstruction (zero-ablation baseline). */
export function lossRecovered(model: Model, sae: Sae, hook: string, sequences: number[][], baseline = lossBaseline(model, hook, sequences)) {
  const { ce_original, ce_zero_ablated } = baseline;
  const ce_reconstructed = hookedCrossEntropy(model, hook, sequences, (x) => cpuSae(sae, x, x.length / sae.dIn).recon);
  return { ce_original, ce_reconstructed, ce_zero_ablated, frac_loss_recovered: (ce_reconstructed - ce_zero_ablated) / (ce_original - ce_zero_ablated) };
}

function hookedCrossEntropy(model: Model, hook: string, sequences: number[][], replace?: (x: Float32Array) => Float32Array): number {
  const V = model.config.dVocab;
  let total = 0, count = 0;
  for (const tokens of sequences) {
    const targets = tokens.map((_, i) => (i + 1 < tokens.length ? tokens[i + 1] : -1));
    const logits = cpuForward(model, tokens, { replace: replace ? new Map([[hook, replace]]) : undefined }).logits;
    const r = crossEntropy(logits, targets, V);
    total += r.loss * r.count;
    count += r.count;
  }
  return total / count;
}
