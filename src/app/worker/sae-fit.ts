// Does this SAE belong to this model? Before its features are shown, the SAE reconstructs the
// model's activations at its hook on a few fresh games: the fraction of variance it explains and
// the fraction of next-token loss recovered when the hook is replaced by its reconstruction, and
// how many features fire per position (L0). An SAE trained on another model (or hook, or residual
// convention) explains little variance, or, being overcomplete, reconstructs well by firing a large
// part of its dictionary at once (seen: 823 of 1,024 features on the default Othello model for a
// foreign SAE-Lens SAE that explained 97% of the variance); either way its features describe
// nothing real here.
import { cpuForward } from '../../model/cpu-forward';
import type { Model } from '../../model/weights';
import { cpuSae } from '../../sae/cpu';
import type { Sae } from '../../sae/types';
import { quote } from '../../tensor/safe-json';
import { ReconstructionStats } from '../../metrics/unsupervised';
import { crossEntropy } from '../../train/cpu-backward';

export type FitVerdict = 'fits' | 'poor' | 'foreign';

export interface SaeFit {
  hook: string;
  games: number;
  positions: number;
  /** fraction of variance explained (spec 3.6) */
  fve: number;
  /** fraction of next-token loss recovered against zero ablation */
  lossRecovered: number;
  /** features firing per position, and the dictionary size */
  l0: number;
  dSae: number;
  verdict: FitVerdict;
  /** one line for the page */
  text: string;
}

/** Below these the SAE's features are doubtful; below zero it was almost surely trained elsewhere. */
export const FIT_FVE = 0.5;
export const FIT_LOSS = 0.5;
/**
 * Firing more than this fraction of the dictionary per position is not sparse coding: SAEs are
 * trained to fire a few percent (the paper's Othello and chess SAEs: L0 ~ 10-100 of 4,096 or more).
 */
export const FIT_DENSE = 0.25;

export function fitVerdict(fve: number, loss: number, l0 = 0, dSae = 1): FitVerdict {
  if (!(fve >= 0) || !(loss >= 0) || !(l0 <= FIT_DENSE * dSae)) return 'foreign';
  return fve >= FIT_FVE && loss >= FIT_LOSS ? 'fits' : 'poor';
}

const pct = (x: number) => `${Number.isFinite(x) ? Math.round(x * 100) : 'NaN'}%`;

function describe(fit: Omit<SaeFit, 'verdict' | 'text'>, where: string, trainedOn?: string): SaeFit {
  const { hook, fve, lossRecovered: lr, l0, dSae } = fit;
  const verdict = fitVerdict(fve, lr, l0, dSae);
  const dense = !(l0 <= FIT_DENSE * dSae);
  const measured = `explains ${pct(fve)} of the variance at ${hook} and recovers ${pct(lr)} of the next-token loss ${where}`;
  const firing = `, firing ${l0.toFixed(1)} of its ${dSae.toLocaleString('en-US')} features per position`;
  const origin = trainedOn ? ` (its files name the model ${quote(trainedOn)})` : '';
  const text = verdict === 'fits' ? `This SAE ${measured}.`
    : verdict === 'poor' ? `This SAE ${measured}: its features describe this model's activations poorly${origin}.`
      : `This SAE ${measured}${dense ? firing : ''}: it was most likely trained on another model, hook or residual convention${origin}, and its features say nothing about this one.`;
  return { ...fit, verdict, text };
}

/** A shipped SAE: the numbers its ship script measured on held-out games, with its own residual convention. */
export function recordedFit(hook: string, recorded: { fve: number; lossRecovered: number; positions: number; l0: number }, dSae: number): SaeFit {
  const { fve, lossRecovered, positions, l0 } = recorded;
  return describe({ hook, games: 0, positions, fve, lossRecovered, l0, dSae }, `on ${positions.toLocaleString('en-US')} held-out positions (measured when it was shipped)`);
}

/** Runs the check on `sequences` (token ids, fresh games) with the CPU reference: three forwards a game. */
export function saeFit(model: Model, sae: Sae, hook: string, sequences: number[][], trainedOn?: string): SaeFit {
  const stats = new ReconstructionStats(sae.dSae), V = model.config.dVocab;
  const ce = { clean: 0, recon: 0, zero: 0 };
  let positions = 0, targets = 0;
  for (const tokens of sequences) {
    const next = tokens.map((_, i) => (i + 1 < tokens.length ? tokens[i + 1] : -1));
    const loss = (logits: Float32Array) => { const r = crossEntropy(logits, next, V); return r.loss * r.count; };
    const clean = cpuForward(model, tokens, { capture: [hook] });
    const x = clean.hooks.get(hook)!, n = tokens.length;
    const { acts, recon } = cpuSae(sae, x, n);
    stats.add({ acts, n, lengths: [n], x, recon });
    ce.clean += loss(clean.logits);
    ce.recon += loss(cpuForward(model, tokens, { replace: new Map([[hook, () => recon]]) }).logits);
    ce.zero += loss(cpuForward(model, tokens, { replace: new Map([[hook, (h: Float32Array) => new Float32Array(h.length)]]) }).logits);
    positions += n;
    targets += n - 1;
  }
  const r = stats.result(), fve = r.fve ?? NaN;
  // Fraction of loss recovered against zero ablation (spec 3.6); the sums share one denominator.
  const lr = targets ? (ce.recon - ce.zero) / (ce.clean - ce.zero) : NaN;
  return describe({ hook, games: sequences.length, positions, fve, lossRecovered: lr, l0: r.l0, dSae: sae.dSae }, `on ${sequences.length} fresh games`, trainedOn);
}
