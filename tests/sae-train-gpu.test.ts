// The WGSL SAE trainer: gradients against the CPU reference, and training that works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { randomArray } from '../src/model/random';
import { cpuSae } from '../src/sae/cpu';
import { gatedLossAndGrads, saeLossAndGrads } from '../src/train/sae-cpu';
import { GpuSaeTrainer } from '../src/train/sae-trainer';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels, maxRelError } from './helpers/gpu';
import { randomSae } from './helpers/sae';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

describe('GpuSaeTrainer gradients vs CPU reference', () => {
  for (const [kind, coef, p, subtract] of [['relu', 0.2, 1, true], ['relu', 0.2, 0.6, true], ['relu', 0.1, 1, false], ['topk', 0, 1, true]] as const) {
    it(`${kind} coef ${coef} p ${p} subtract_b_dec ${subtract}`, async () => {
      const sae = randomSae(kind, 20, 70, 5, subtract);
      const B = 37;
      const x = randomArray(B * 20, 1, mulberry32(6));
      const trainer = new GpuSaeTrainer(k, sae, B);
      const got = await trainer.gradients(x, coef, p);
      const want = saeLossAndGrads(sae, x, B, coef, p);
      expect(maxRelError(got.wEnc!, want.dWEnc)).toBeLessThan(1e-4);
      expect(maxRelError(got.bEnc!, want.dBEnc)).toBeLessThan(1e-4);
      expect(maxRelError(got.wDec!, want.dWDec)).toBeLessThan(1e-4);
      expect(maxRelError(got.bDec!, want.dBDec)).toBeLessThan(1e-4);
      trainer.destroy();
    });
  }
  for (const [coef, p, B] of [[0.3, 1, 37], [0.5, 0.6, 64]] as const) {
    it(`gated coef ${coef} p ${p}, batch ${B}`, async () => {
      const sae = randomSae('gated', 20, 70, 8);
      sae.bEnc.fill(0);
      const x = randomArray(B * 20, 1, mulberry32(6));
      const trainer = new GpuSaeTrainer(k, sae, B);
      const got = await trainer.gradients(x, coef, p);
      const want = gatedLossAndGrads(sae, x, B, coef, p);
      for (const [name, w] of [['wEnc', want.dWEnc], ['bGate', want.dBGate], ['rMag', want.dRMag], ['bMag', want.dBMag], ['wDec', want.dWDec], ['bDec', want.dBDec]] as const) {
        expect(maxRelError(got[name]!, w), name).toBeLessThan(1e-4);
      }
      // a second call must not accumulate onto the first
      const again = await trainer.gradients(x, coef, p);
      expect(maxRelError(again.rMag!, want.dRMag)).toBeLessThan(1e-4);
      trainer.destroy();
    });
  }
});

describe('GpuSaeTrainer training', () => {
  it.each(['relu', 'gated'] as const)('%s learns planted sparse features with unit-norm decoder rows', async (kind) => {
    const rng = mulberry32(11);
    const d = 16, F = 48, N = 4096, B = 256;
    const truth = randomArray(32 * d, 1, rng); // 32 ground-truth directions, 3 active per sample
    const x = new Float32Array(N * d);
    for (let n = 0; n < N; n++) for (let a = 0; a < 3; a++) {
      const j = Math.floor(rng() * 32), c = 1 + rng();
      for (let i = 0; i < d; i++) x[n * d + i] += c * truth[j * d + i];
    }
    const init = randomSae(kind, d, F, 1);
    for (let f = 0; f < F; f++) {
      let nrm = 0;
      for (let i = 0; i < d; i++) nrm += init.wDec[f * d + i] ** 2;
      for (let i = 0; i < d; i++) { init.wDec[f * d + i] /= Math.sqrt(nrm); init.wEnc[i * F + f] = init.wDec[f * d + i]; }
    }
    init.bEnc.fill(0); init.bDec.fill(0);
    if (kind === 'gated') { init.bGate!.fill(0); init.rMag!.fill(0); init.bMag!.fill(0); }
    const trainer = new GpuSaeTrainer(k, init, B);
    const batch = (t: number) => x.subarray(((t * B) % N) * d, (((t * B) % N) + B) * d);
    const first = await trainer.step(batch(0), 1, 3e-3, 0.1);
    let last = first;
    for (let t = 2; t <= 300; t++) last = await trainer.step(batch(t), t, 3e-3, 0.1);
    expect(last.recon).toBeLessThan(first.recon * 0.3);
    const sae = await trainer.weights();
    for (let f = 0; f < F; f++) {
      let nrm = 0;
      for (let i = 0; i < d; i++) nrm += sae.wDec[f * d + i] ** 2;
      expect(Math.sqrt(nrm)).toBeCloseTo(1, 4);
    }
    const out = cpuSae(sae, x.subarray(0, 512 * d), 512);
    const l0 = out.acts.reduce((s, a) => s + (a > 0 ? 1 : 0), 0) / 512;
    console.log(`[sae-train] ${kind} planted features: recon ${first.recon.toFixed(2)} -> ${last.recon.toFixed(3)}, L0 ${l0.toFixed(3)}`);
    expect(l0).toBeLessThan(F / 2);
    trainer.destroy();
  });
});
