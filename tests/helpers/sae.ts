// Random SAEs of every kind, for GPU-vs-CPU tests.
import { mulberry32 } from '../../src/games/othello/generator';
import { randomArray } from '../../src/model/random';
import type { Sae, SaeKind } from '../../src/sae/types';

export function randomSae(kind: SaeKind, dIn: number, dSae: number, seed: number, subtractDecoderBias = true): Sae {
  const rng = mulberry32(seed);
  const r = (n: number, std: number, mean = 0) => randomArray(n, std, rng, mean);
  const sae: Sae = {
    kind, format: 'saelens', sourceClass: kind, dIn, dSae, subtractDecoderBias,
    wEnc: r(dIn * dSae, 1 / Math.sqrt(dIn)), bEnc: kind === 'gated' ? new Float32Array(dSae) : r(dSae, 0.3),
    wDec: r(dSae * dIn, 1 / Math.sqrt(dSae)), bDec: r(dIn, 0.2),
  };
  if (kind === 'jumprelu') sae.threshold = r(dSae, 0.2, 0.3);
  if (kind === 'topk') sae.k = Math.max(1, Math.floor(dSae / 7));
  if (kind === 'gated') { sae.bGate = r(dSae, 0.3); sae.rMag = r(dSae, 0.3); sae.bMag = r(dSae, 0.3); }
  return sae;
}
