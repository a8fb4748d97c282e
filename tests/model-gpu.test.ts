// Whole model: WGSL forward vs the CPU reference on random weights of two different shapes,
// every hook compared, batched and ragged inputs, and plan reuse across calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { cpuForward } from '../src/model/cpu-forward';
import { hookNames, type ModelConfig } from '../src/model/config';
import { randomModel } from '../src/model/random';
import { GpuModel } from '../src/gpu/model-runner';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels, maxRelError } from './helpers/gpu';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

const configs: Record<string, ModelConfig> = {
  'othello-like (LN, exact GELU, biases)': { nLayers: 2, dModel: 64, nHeads: 4, dHead: 16, dMlp: 256, dVocab: 61, nCtx: 59, gelu: 'exact', normalization: 'LN', eps: 1e-5 },
  'odd shapes (LNPre, tanh GELU, d_head != d_model/n_heads)': { nLayers: 3, dModel: 36, nHeads: 3, dHead: 10, dMlp: 70, dVocab: 32, nCtx: 40, gelu: 'tanh', normalization: 'LNPre', eps: 1e-5 },
};

const randomTokens = (n: number, V: number, rng: () => number) => Array.from({ length: n }, () => Math.floor(rng() * V));

describe('GPU forward vs CPU reference', () => {
  for (const [name, config] of Object.entries(configs)) {
    it(`${name}: logits and every hook within 1e-4`, async () => {
      const model = randomModel(config, 7);
      const gpu = new GpuModel(k, model);
      const rng = mulberry32(99);
      const batch = [randomTokens(config.nCtx, config.dVocab, rng), randomTokens(13, config.dVocab, rng), randomTokens(config.nCtx - 1, config.dVocab, rng)];
      const names = hookNames(config);
      const got = await gpu.forward(batch, names);
      let worst = 0;
      batch.forEach((tokens, b) => {
        const want = cpuForward(model, tokens, { capture: 'all' });
        worst = Math.max(worst, maxRelError(got.logits[b], want.logits));
        for (const h of names) {
          const e = maxRelError(got.hooks.get(h)![b], want.hooks.get(h)!);
          expect(e, `${h} of sequence ${b}`).toBeLessThan(1e-4);
          worst = Math.max(worst, e);
        }
      });
      expect(worst).toBeLessThan(1e-4);
      console.log(`[gpu-vs-cpu] ${name}: max relative error ${worst.toExponential(2)}`);
      // the cached plan gives identical results on the next call
      const again = await gpu.forward(batch, []);
      expect(again.logits[0]).toEqual(got.logits[0]);
      gpu.destroy();
    });
  }

  it('rejects unknown hooks and out-of-vocabulary tokens with clear errors', async () => {
    const model = randomModel(configs['odd shapes (LNPre, tanh GELU, d_head != d_model/n_heads)'], 1);
    const gpu = new GpuModel(k, model);
    await expect(gpu.forward([[1, 2]], ['blocks.9.hook_resid_post'])).rejects.toThrow(/unknown hook/);
    await expect(gpu.forward([[1, 99]])).rejects.toThrow(/outside the vocabulary/);
    await expect(gpu.forward([new Array(41).fill(1)])).rejects.toThrow(/context of 40/);
    gpu.destroy();
  });
});
