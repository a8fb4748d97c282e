// Forward-pass benchmark: a random model of Othello-GPT's real shape (8 layers, d_model 512,
// 8 heads x 64, d_mlp 2048, 61 tokens, 59 positions) at batch 1 and 32, WGSL path vs CPU reference.
import { mulberry32 } from '../src/games/othello/generator';
import { randomGames } from '../src/games/othello/generator';
import { encodeSquares } from '../src/games/othello/tokenizer';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import { Kernels } from '../src/gpu/kernels';
import { GpuModel } from '../src/gpu/model-runner';
import { cpuForward } from '../src/model/cpu-forward';
import type { ModelConfig } from '../src/model/config';
import { randomModel } from '../src/model/random';

export const OTHELLO_GPT: ModelConfig = { nLayers: 8, dModel: 512, nHeads: 8, dHead: 64, dMlp: 2048, dVocab: 61, nCtx: 59, gelu: 'exact', normalization: 'LN', eps: 1e-5 };

/** Multiply-adds x 2 for one sequence of T tokens. */
function flopsPerSequence(c: ModelConfig, T: number): number {
  const hd = c.nHeads * c.dHead;
  const perToken = c.nLayers * 2 * (c.dModel * 3 * hd + hd * c.dModel + 2 * c.dModel * c.dMlp) + 2 * c.dModel * c.dVocab;
  const attention = c.nLayers * 2 * 2 * c.nHeads * c.dHead * (T * (T + 1)) / 2;
  return perToken * T + attention;
}

async function time<T>(fn: () => Promise<T> | T): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchForward(args: string[]): Promise<void> {
  const reps = Number(args[args.indexOf('--reps') + 1] ?? 5) || 5;
  const skipCpu32 = args.includes('--skip-cpu-batch32');
  const lanesArg = args.includes('--lanes') ? Number(args[args.indexOf('--lanes') + 1]) : undefined;
  const c = OTHELLO_GPT;
  const model = randomModel(c, 0);
  const games = randomGames(7, 32, 60).map((g) => encodeSquares(g.slice(0, c.nCtx)));
  while (games.some((g) => g.length < c.nCtx)) { // keep every sequence full length so batches are comparable
    const i = games.findIndex((g) => g.length < c.nCtx);
    games[i] = encodeSquares(randomGames(Math.floor(mulberry32(i)() * 1e9), 1, 60)[0].slice(0, c.nCtx));
  }
  const ctx = await createNodeGpuContext();
  const kernels = new Kernels(ctx, nodeShaderSource, { matmulLanes: lanesArg });
  const gpu = new GpuModel(kernels, model);
  const rows: string[][] = [];
  const flop = flopsPerSequence(c, c.nCtx);
  const results = new Map<string, number>();
  for (const B of [1, 32]) {
    const batch = games.slice(0, B);
    await gpu.forward(batch); // warm-up: pipelines and plan
    const gpuTimes: number[] = [];
    for (let r = 0; r < reps; r++) gpuTimes.push(await time(() => gpu.forward(batch)));
    const g = median(gpuTimes);
    results.set(`gpu${B}`, g);
    let cpuMs: number | undefined;
    if (B === 1 || !skipCpu32) {
      const cpuReps = B === 1 ? Math.max(2, Math.min(reps, 3)) : 1;
      const cpuTimes: number[] = [];
      for (let r = 0; r < cpuReps; r++) cpuTimes.push(await time(() => batch.forEach((seq) => cpuForward(model, seq))));
      cpuMs = median(cpuTimes);
      results.set(`cpu${B}`, cpuMs);
    }
    const fmt = (ms: number) => [ms.toFixed(1), ((B * c.nCtx) / (ms / 1000)).toFixed(0), ((B * flop) / (ms / 1e3) / 1e9).toFixed(2)];
    rows.push([String(B), 'WGSL (GPU path)', ...fmt(g), cpuMs ? (cpuMs / g).toFixed(2) + 'x' : '-']);
    if (cpuMs) rows.push([String(B), 'CPU reference', ...fmt(cpuMs), '1.00x']);
  }
  gpu.destroy();
  ctx.device.destroy();
  console.log(`Forward pass, random Othello-GPT shape (8 layers, d_model 512, 8x64 heads, d_mlp 2048, vocab 61, 59 positions)`);
  console.log(`Adapter: ${ctx.adapterName}; matmul workgroup ${kernels.matmulLanes} lanes; GPU median of ${reps} runs after warm-up`);
  const header = ['batch', 'path', 'latency ms', 'tokens/s', 'GFLOP/s', 'speed-up vs CPU'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((x, i) => x.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
