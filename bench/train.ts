// Training throughput for each default model config, in one run: the WGSL training step (forward,
// backward, clipping, AdamW) on this machine's adapter, the PyTorch trainer's step (pytorch/bench.py:
// float32, and bfloat16 autocast), and the CPU reference step (composed op references + AdamW) as the
// anchor every speed-up is measured against.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import { Kernels } from '../src/gpu/kernels';
import { randomModel } from '../src/model/random';
import { adamWStep } from '../src/train/cpu-backward';
import { cpuLossAndGrads } from '../src/train/cpu-train';
import { trainingBatch } from '../src/train/data';
import { GpuModelTrainer } from '../src/train/model-trainer';
import { parseRunConfig } from '../src/train/run-config';
import type { ModelWeights } from '../src/model/weights';

const arrays = (w: ModelWeights): Float32Array[] => [w.wE, w.wPos, w.lnFW, w.lnFB, w.wU, w.bU, ...w.layers.flatMap((L) => Object.values(L))];

export async function benchTrain(args: string[]): Promise<void> {
  const paths = args.includes('--config') ? [args[args.indexOf('--config') + 1]] : ['configs/othello-default.json', 'configs/chess-default.json'];
  for (const path of paths) await benchOne(path);
}

async function benchOne(path: string): Promise<void> {
  const run = parseRunConfig(JSON.parse(readFileSync(path, 'utf8')));
  const model = randomModel(run.model, 0);
  const T = run.model.nCtx, tokens = run.batch * T;
  const adam = { lr: run.lr, beta1: run.beta1, beta2: run.beta2, eps: 1e-8, weightDecay: run.weightDecay };
  const ctx = await createNodeGpuContext();
  const trainer = new GpuModelTrainer(new Kernels(ctx, nodeShaderSource), model, { batch: run.batch, adam, clipNorm: run.clipNorm });
  await trainer.step(trainingBatch(9, 0, run.batch, T), 1, run.lr); // warm-up: pipelines
  const reps = 3;
  let t0 = performance.now();
  for (let s = 1; s <= reps; s++) await trainer.step(trainingBatch(9, s, run.batch, T), s + 1, run.lr);
  const gpuMs = (performance.now() - t0) / reps;
  trainer.destroy();
  ctx.device.destroy();
  const state = arrays(model.weights).map((a) => [new Float32Array(a.length), new Float32Array(a.length)]);
  t0 = performance.now();
  const { grads } = cpuLossAndGrads(model, trainingBatch(9, 1, run.batch, T));
  arrays(model.weights).forEach((p, i) => adamWStep(p, arrays(grads)[i], state[i][0], state[i][1], 1, adam));
  const cpuMs = performance.now() - t0;
  const torch = JSON.parse(execFileSync('/usr/bin/python3', ['pytorch/bench.py', '--config', path], { encoding: 'utf8' }).trim().split('\n').at(-1)!);
  const cpuRate = (tokens / cpuMs) * 1000;
  const row = (name: string, rate: number) => console.log(`| ${name} | ${((tokens / rate) * 1000).toFixed(0)} | ${rate.toFixed(0)} | ${(rate / cpuRate).toFixed(2)}x |`);
  console.log(`\nTraining step, ${path}: ${run.model.nLayers} layers, d_model ${run.model.dModel}, batch ${run.batch} x ${T} tokens`);
  console.log(`Adapter: ${ctx.adapterName}; WGSL mean of ${reps} steps after warm-up, CPU reference one step, PyTorch ${torch.torch} mean of 8 steps after 2 warm-up (${torch.cores} cores)`);
  console.log('| path | ms / step | tokens/s | speed-up over the CPU reference |');
  console.log('|---|---|---|---|');
  row('PyTorch, bfloat16 autocast, all cores', torch.bf16_tokens_per_s);
  row('PyTorch, float32, 1 torch thread + OpenBLAS', torch.fp32_tokens_per_s);
  row('WGSL training step', (tokens / gpuMs) * 1000);
  row('CPU reference step', cpuRate);
}
