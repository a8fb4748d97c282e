// The WGSL training step as a whole: gradients of every parameter family against central finite
// differences of the CPU reference loss, and the optimiser actually lowering the loss.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import type { ModelConfig } from '../src/model/config';
import { cpuForward } from '../src/model/cpu-forward';
import { randomModel } from '../src/model/random';
import type { Model, ModelWeights } from '../src/model/weights';
import { crossEntropy } from '../src/train/cpu-backward';
import { IGNORE, type TokenBatch } from '../src/train/data';
import { GpuModelTrainer } from '../src/train/model-trainer';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels } from './helpers/gpu';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

const config: ModelConfig = { nLayers: 2, dModel: 16, nHeads: 2, dHead: 6, dMlp: 40, dVocab: 13, nCtx: 9, gelu: 'exact', normalization: 'LN', eps: 1e-5 };

function randomBatch(B: number, seed: number): TokenBatch {
  const rng = mulberry32(seed);
  const T = config.nCtx;
  const tokens = Uint32Array.from({ length: B * T }, () => Math.floor(rng() * config.dVocab));
  const targets = Uint32Array.from({ length: B * T }, (_, i) => (i % 7 === 3 ? IGNORE : Math.floor(rng() * config.dVocab)));
  return { B, T, tokens, targets, count: targets.filter((t) => t !== IGNORE).length, games: [] };
}

function cpuLoss(model: Model, batch: TokenBatch): number {
  const { B, T } = batch, V = config.dVocab;
  const logits = new Float32Array(B * T * V);
  for (let b = 0; b < B; b++) logits.set(cpuForward(model, Array.from(batch.tokens.subarray(b * T, (b + 1) * T))).logits, b * T * V);
  return crossEntropy(logits, Array.from(batch.targets, (t) => (t === IGNORE ? -1 : t)), V).loss;
}

describe('GpuModelTrainer', () => {
  it('gradients of every parameter family match finite differences of the CPU loss', async () => {
    const model = randomModel(config, 21);
    const batch = randomBatch(3, 5);
    const trainer = new GpuModelTrainer(k, model, { batch: 3, adam: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }, clipNorm: 1e9 });
    const grads = await trainer.gradients(batch);
    trainer.destroy();
    const rng = mulberry32(8);
    type Pick = (w: ModelWeights) => Float32Array;
    const families: Record<string, Pick> = {
      wE: (w) => w.wE, wPos: (w) => w.wPos, 'L0.wQ': (w) => w.layers[0].wQ, 'L1.wK': (w) => w.layers[1].wK, 'L0.wV': (w) => w.layers[0].wV,
      'L1.bQ': (w) => w.layers[1].bQ, 'L0.wO': (w) => w.layers[0].wO, 'L1.bO': (w) => w.layers[1].bO, 'L0.ln1W': (w) => w.layers[0].ln1W,
      'L1.ln1B': (w) => w.layers[1].ln1B, 'L0.ln2W': (w) => w.layers[0].ln2W, 'L1.ln2B': (w) => w.layers[1].ln2B, 'L0.wIn': (w) => w.layers[0].wIn,
      'L1.bIn': (w) => w.layers[1].bIn, 'L1.wOut': (w) => w.layers[1].wOut, 'L0.bOut': (w) => w.layers[0].bOut,
      lnFW: (w) => w.lnFW, lnFB: (w) => w.lnFB, wU: (w) => w.wU, bU: (w) => w.bU,
    };
    const h = 3e-3;
    for (const [name, pick] of Object.entries(families)) {
      const param = pick(model.weights), grad = pick(grads);
      const scale = Math.max(1e-4, ...Array.from(grad, Math.abs));
      for (let n = 0; n < 6; n++) {
        const i = Math.floor(rng() * param.length);
        const old = param[i];
        param[i] = old + h; const up = cpuLoss(model, batch);
        param[i] = old - h; const down = cpuLoss(model, batch);
        param[i] = old;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(numeric - grad[i]) / scale, `${name}[${i}]: numeric ${numeric}, gpu ${grad[i]}`).toBeLessThan(3e-2);
      }
    }
  });

  it('every gradient matches the composed CPU reference step', async () => {
    const { cpuLossAndGrads } = await import('../src/train/cpu-train');
    const model = randomModel({ ...config, gelu: 'tanh' }, 31);
    const batch = randomBatch(2, 13);
    const trainer = new GpuModelTrainer(k, model, { batch: 2, adam: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }, clipNorm: 1e9 });
    const gpu = await trainer.gradients(batch);
    trainer.destroy();
    const cpu = cpuLossAndGrads(model, batch);
    expect(cpu.loss).toBeCloseTo(cpuLoss(model, batch), 5);
    const flat = (w: ModelWeights): Array<[string, Float32Array]> => [['wE', w.wE], ['wPos', w.wPos], ['lnFW', w.lnFW], ['lnFB', w.lnFB], ['wU', w.wU], ['bU', w.bU],
      ...w.layers.flatMap((L, l) => Object.entries(L).map(([n, a]) => [`${l}.${n}`, a] as [string, Float32Array]))];
    const want = new Map(flat(cpu.grads));
    for (const [name, a] of flat(gpu)) {
      const b = want.get(name)!;
      // Key-bias gradients are exactly zero in theory (softmax ignores a per-query constant), so
      // relative error gets an absolute floor.
      const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
      expect(worst, name).toBeLessThan(1e-4);
    }
  });

  it('AdamW steps lower the loss on a fixed batch, and state round-trips', async () => {
    const model = randomModel(config, 3);
    const batch = randomBatch(4, 9);
    const trainer = new GpuModelTrainer(k, model, { batch: 4, adam: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 }, clipNorm: 1 });
    const first = await trainer.step(batch, 1, 3e-3);
    expect(Math.abs(first.loss - cpuLoss(model, batch))).toBeLessThan(1e-4);
    let last = first;
    for (let t = 2; t <= 40; t++) last = await trainer.step(batch, t, 3e-3);
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(first.gradNorm).toBeGreaterThan(0);
    const state = await trainer.state();
    const trained = { config, weights: await trainer.weights() };
    expect(cpuLoss(trained, batch)).toBeLessThan(first.loss * 0.7); // the downloaded weights are the trained ones
    const clone = new GpuModelTrainer(k, randomModel(config, 99), trainer.options);
    clone.restoreState(state);
    const a = await trainer.step(batch, 41, 3e-3), b = await clone.step(batch, 41, 3e-3);
    expect(b.loss).toBe(a.loss);
    trainer.destroy();
    clone.destroy();
  });
});
