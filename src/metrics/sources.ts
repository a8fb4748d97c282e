// Activation sources for the metrics suite: a model's activations at one hook for a batch of games
// of either game (WGSL forward, or the CPU reference), optionally passed through an SAE (GPU or CPU),
// or used directly as an identity dictionary (MLP neurons).
import type { Kernels } from '../gpu/kernels';
import { GpuModel } from '../gpu/model-runner';
import { GpuSae } from '../gpu/sae-runner';
import { hookWidth } from '../model/config';
import { cpuForward } from '../model/cpu-forward';
import type { Model } from '../model/weights';
import { cpuSae } from '../sae/cpu';
import type { Sae } from '../sae/types';
import type { ActivationSource, EncodedGames } from './suite';

/** Activations [n, width] at `hook` for every token position of the games (their first nCtx tokens). */
export type HookReader<G = number[]> = (games: G[]) => Promise<{ x: Float32Array; n: number; lengths: number[] }>;
/** A game's model input: at most nCtx token ids. */
export type Tokenize<G> = (game: G) => number[];

export function gpuHookReader<G>(kernels: Kernels, model: Model, hook: string, tokenize: Tokenize<G>): { read: HookReader<G>; destroy: () => void } {
  const gpu = new GpuModel(kernels, model);
  const width = hookWidth(model.config, hook, model.config.nCtx);
  return {
    read: async (games) => {
      const tokens = games.map(tokenize);
      const lengths = tokens.map((t) => t.length);
      const n = lengths.reduce((a, b) => a + b, 0);
      const r = await gpu.forward(tokens, [hook]);
      const x = new Float32Array(n * width);
      let row = 0;
      r.hooks.get(hook)!.forEach((a, b) => { x.set(a.subarray(0, lengths[b] * width), row * width); row += lengths[b]; });
      return { x, n, lengths };
    },
    destroy: () => gpu.destroy(),
  };
}

export function cpuHookReader<G>(model: Model, hook: string, tokenize: Tokenize<G>): HookReader<G> {
  const width = hookWidth(model.config, hook, model.config.nCtx);
  return async (games) => {
    const tokens = games.map(tokenize);
    const lengths = tokens.map((t) => t.length);
    const x = new Float32Array(lengths.reduce((a, b) => a + b, 0) * width);
    let row = 0;
    tokens.forEach((t, b) => {
      const captured = cpuForward(model, t, { capture: [hook] }).hooks.get(hook)!;
      x.set(captured.subarray(0, lengths[b] * width), row * width);
      row += lengths[b];
    });
    return { x, n: row, lengths };
  };
}

/**
 * Remembers each game's activations (by game object), so several dictionaries on the same hook
 * run the model once: the suite passes slices of the same game arrays on every call.
 */
export function cachingHookReader<G>(read: HookReader<G>): HookReader<G> {
  const cache = new Map<G, { x: Float32Array; length: number }>();
  let width = 0;
  return async (games) => {
    const missing = games.filter((g) => !cache.has(g));
    if (missing.length > 0) {
      const r = await read(missing);
      width = r.x.length / r.n;
      let row = 0;
      missing.forEach((g, i) => {
        cache.set(g, { x: r.x.slice(row * width, (row + r.lengths[i]) * width), length: r.lengths[i] });
        row += r.lengths[i];
      });
    }
    const parts = games.map((g) => cache.get(g)!);
    const lengths = parts.map((p) => p.length), n = lengths.reduce((a, b) => a + b, 0);
    const x = new Float32Array(n * width);
    let row = 0;
    for (const p of parts) { x.set(p.x, row * width); row += p.length; }
    return { x, n, lengths };
  };
}

export type SaeRunner = (x: Float32Array, n: number) => Promise<{ acts: Float32Array; recon: Float32Array }>;

export const gpuSaeRunner = (kernels: Kernels, sae: Sae): { run: SaeRunner; destroy: () => void } => {
  const g = new GpuSae(kernels, sae);
  return { run: (x, n) => g.run(x, n), destroy: () => g.destroy() };
};

export const cpuSaeRunner = (sae: Sae): SaeRunner => async (x, n) => cpuSae(sae, x, n);

export function saeSource<G>(read: HookReader<G>, sae: Sae, run: SaeRunner): ActivationSource<G> {
  return {
    features: sae.dSae,
    async encode(games): Promise<EncodedGames> {
      const { x, n, lengths } = await read(games);
      const { acts, recon } = await run(x, n);
      return { acts, n, lengths, x, recon };
    },
  };
}

/** The hook's units themselves as the dictionary (MLP neurons as an identity "SAE"). */
export function neuronSource<G>(read: HookReader<G>, width: number): ActivationSource<G> {
  return {
    features: width,
    async encode(games) {
      const { x, n, lengths } = await read(games);
      return { acts: x, n, lengths };
    },
  };
}
