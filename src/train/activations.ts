// Activations of a model at the given hooks for a set of token sequences, gathered with the WGSL
// forward in batches: X[h] is [N, width] in sequence order. Every position is kept unless `rows`
// picks some per sequence (chess probes only read the '.' characters).
import type { Kernels } from '../gpu/kernels';
import { GpuModel } from '../gpu/model-runner';
import type { Model } from '../model/weights';

export async function collectActivations(k: Kernels, model: Model, sequences: number[][], hooks: string[], rows?: number[][], batch = 32) {
  const { nCtx, dModel } = model.config;
  for (const s of sequences) if (s.length > nCtx) throw new Error(`a sequence of ${s.length} tokens is longer than the context (${nCtx})`);
  const picked = sequences.map((s, i) => rows?.[i] ?? [...s.keys()]);
  const N = picked.reduce((n, r) => n + r.length, 0);
  const X = hooks.map(() => new Float32Array(N * dModel));
  const gpu = new GpuModel(k, model);
  let row = 0;
  for (let start = 0; start < sequences.length; start += batch) {
    const chunk = sequences.slice(start, start + batch);
    const r = await gpu.forward(chunk, hooks);
    chunk.forEach((_, b) => {
      const at = picked[start + b];
      hooks.forEach((h, i) => {
        const acts = r.hooks.get(h)![b];
        at.forEach((t, j) => X[i].set(acts.subarray(t * dModel, (t + 1) * dModel), (row + j) * dModel));
      });
      row += at.length;
    });
  }
  gpu.destroy();
  return { X, N };
}
