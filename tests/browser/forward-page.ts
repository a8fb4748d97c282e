// Runs in Chromium: the same WGSL forward and SAE as the Node tests, through navigator.gpu and the
// Vite-bundled shaders, compared with the CPU reference. Publishes the result on window.__result.
import { browserShaderSource, createBrowserGpuContext } from '../../src/gpu/browser';
import { Kernels } from '../../src/gpu/kernels';
import { GpuModel } from '../../src/gpu/model-runner';
import { GpuSae } from '../../src/gpu/sae-runner';
import { mulberry32 } from '../../src/games/othello/generator';
import { cpuForward } from '../../src/model/cpu-forward';
import { hookNames, type ModelConfig } from '../../src/model/config';
import { randomArray, randomModel } from '../../src/model/random';
import { cpuSae } from '../../src/sae/cpu';
import type { Sae } from '../../src/sae/types';

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

const configs: ModelConfig[] = [
  { nLayers: 2, dModel: 64, nHeads: 4, dHead: 16, dMlp: 256, dVocab: 61, nCtx: 59, gelu: 'exact', normalization: 'LN', eps: 1e-5 },
  { nLayers: 3, dModel: 36, nHeads: 3, dHead: 10, dMlp: 70, dVocab: 32, nCtx: 40, gelu: 'tanh', normalization: 'LNPre', eps: 1e-5 },
];

async function main() {
  const ctx = await createBrowserGpuContext();
  const kernels = new Kernels(ctx, browserShaderSource);
  const rng = mulberry32(5);
  const errors: Record<string, number> = {};
  for (const [i, config] of configs.entries()) {
    const model = randomModel(config, 11 + i);
    const gpu = new GpuModel(kernels, model);
    const batch = [0, 1].map((b) => Array.from({ length: config.nCtx - 7 * b }, () => Math.floor(rng() * config.dVocab)));
    const r = await gpu.forward(batch, hookNames(config));
    let worst = 0;
    batch.forEach((tokens, b) => {
      const want = cpuForward(model, tokens, { capture: 'all' });
      worst = Math.max(worst, maxRelError(r.logits[b], want.logits));
      for (const h of hookNames(config)) worst = Math.max(worst, maxRelError(r.hooks.get(h)![b], want.hooks.get(h)!));
    });
    errors[`model${i}`] = worst;
    gpu.destroy();
  }
  const F = 256, d = 64, N = 40;
  for (const kind of ['relu', 'topk', 'gated', 'jumprelu'] as const) {
    const sae: Sae = {
      kind, format: 'saelens', sourceClass: kind, dIn: d, dSae: F, subtractDecoderBias: true,
      wEnc: randomArray(d * F, 0.125, rng), bEnc: randomArray(F, 0.2, rng), wDec: randomArray(F * d, 0.06, rng), bDec: randomArray(d, 0.2, rng),
      k: 12, threshold: randomArray(F, 0.1, rng, 0.2), bGate: randomArray(F, 0.2, rng), rMag: randomArray(F, 0.2, rng), bMag: randomArray(F, 0.2, rng),
    };
    const x = randomArray(N * d, 1, rng);
    const got = await new GpuSae(kernels, sae).run(x, N);
    const want = cpuSae(sae, x, N);
    errors[`sae_${kind}`] = Math.max(maxRelError(got.acts, want.acts), maxRelError(got.recon, want.recon));
  }
  const result = { adapter: ctx.adapterName, errors };
  ctx.device.destroy();
  return result;
}

main().then(
  (r) => { (window as unknown as { __result: unknown }).__result = r; document.getElementById('out')!.textContent = JSON.stringify(r, null, 1); },
  (e) => { (window as unknown as { __result: unknown }).__result = { error: String((e as Error)?.message ?? e) }; },
);
