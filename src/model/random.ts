// Seeded random-weight models, for tests, benchmarks and the untrained baseline.
import { mulberry32 } from '../games/othello/generator';
import type { ModelConfig } from './config';
import type { Model } from './weights';

/** Standard normal samples from a seeded uniform generator (Box-Muller). */
export function gaussian(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export function randomArray(n: number, std: number, rng: () => number, mean = 0): Float32Array {
  const g = gaussian(rng);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = mean + std * g();
  return a;
}

/** Fan-in-scaled init, with non-trivial biases and LN params so tests exercise them. */
export function randomModel(config: ModelConfig, seed: number): Model {
  const rng = mulberry32(seed);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: m, dVocab: V, nCtx } = config;
  const hd = H * dh;
  const r = (n: number, s: number, mean = 0) => randomArray(n, s, rng, mean);
  const lnW = () => (config.normalization === 'LN' ? r(d, 0.1, 1) : new Float32Array(d).fill(1));
  const lnB = () => (config.normalization === 'LN' ? r(d, 0.1) : new Float32Array(d));
  return {
    config,
    weights: {
      wE: r(V * d, 1), wPos: r(nCtx * d, 0.5),
      layers: Array.from({ length: config.nLayers }, () => ({
        ln1W: lnW(), ln1B: lnB(),
        wQ: r(d * hd, 1 / Math.sqrt(d)), wK: r(d * hd, 1 / Math.sqrt(d)), wV: r(d * hd, 1 / Math.sqrt(d)),
        bQ: r(hd, 0.1), bK: r(hd, 0.1), bV: r(hd, 0.1),
        wO: r(hd * d, 1 / Math.sqrt(hd)), bO: r(d, 0.1),
        ln2W: lnW(), ln2B: lnB(),
        wIn: r(d * m, 1 / Math.sqrt(d)), bIn: r(m, 0.1),
        wOut: r(m * d, 1 / Math.sqrt(m)), bOut: r(d, 0.1),
      })),
      lnFW: lnW(), lnFB: lnB(),
      wU: r(d * V, 1 / Math.sqrt(d)), bU: r(V, 0.1),
    },
  };
}
