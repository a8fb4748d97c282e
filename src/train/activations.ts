// Activations of a model at the given hooks for every position of a set of games, gathered with
// the WGSL forward in batches: X[h] is [N, width], positions in game order.
import { encodeSquares } from '../games/othello/tokenizer';
import type { Kernels } from '../gpu/kernels';
import { GpuModel } from '../gpu/model-runner';
import type { Model } from '../model/weights';

export async function collectActivations(k: Kernels, model: Model, games: number[][], hooks: string[], batch = 32) {
  const { nCtx, dModel } = model.config;
  const N = games.reduce((s, g) => s + Math.min(g.length, nCtx), 0);
  const X = hooks.map(() => new Float32Array(N * dModel));
  const gpu = new GpuModel(k, model);
  let row = 0;
  for (let start = 0; start < games.length; start += batch) {
    const chunk = games.slice(start, start + batch);
    const r = await gpu.forward(chunk.map((g) => encodeSquares(g.slice(0, nCtx))), hooks);
    chunk.forEach((g, b) => {
      hooks.forEach((h, i) => X[i].set(r.hooks.get(h)![b], row * dModel));
      row += Math.min(g.length, nCtx);
    });
  }
  gpu.destroy();
  return { X, N };
}
