// Supervised metrics suite on the default Othello model and one of its SAEs (8 x d_model features):
// 1,000 train + 1,000 test games, the default property families. Reports the time spent producing
// activations (WGSL forward + SAE) and computing the statistics with the fast path; then, on a
// subset small enough for the plain reference, fast path vs reference on identical inputs (and a
// check that their counts are identical), with the reference's full-size time extrapolated
// linearly (it is linear in positions).
import { readFileSync } from 'node:fs';
import { OTHELLO_KIT } from '../src/games/kit';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import { Kernels } from '../src/gpu/kernels';
import { loadModel } from '../src/model/adapters';
import { denseProperties, propertyTable } from '../src/metrics/bsp';
import { familyCounts } from '../src/metrics/counts';
import { featureLabels, reconstructionCounts } from '../src/metrics/reconstruction';
import { LevelsBuilder } from '../src/metrics/levels';
import { referenceCounts, referenceReconstructionCounts } from '../src/metrics/reference';
import { gpuHookReader, gpuSaeRunner, saeSource } from '../src/metrics/sources';
import { supervisedMetrics, type ActivationSource } from '../src/metrics/suite';
import { loadSaeFiles } from '../src/sae/formats';
import { readSafetensors } from '../src/tensor/safetensors';
import { evalGames } from '../src/train/data';

const arg = (args: string[], name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

export async function benchMetrics(args: string[]): Promise<void> {
  const dir = arg(args, '--model-dir', 'public/models/othello-gpt-default');
  const saeDir = arg(args, '--sae', `${dir}/saes/standard-c1.0`);
  const games = Number(arg(args, '--games', '1000')), subset = Number(arg(args, '--subset-games', '8'));
  const model = loadModel(readSafetensors(new Uint8Array(readFileSync(`${dir}/model.safetensors`)), 'model').tensors, JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')));
  const files = new Map<string, Uint8Array>();
  for (const n of ['ae.safetensors', 'config.json']) files.set(n, new Uint8Array(readFileSync(`${saeDir}/${n}`)));
  const sae = loadSaeFiles(files);
  const hook = `blocks.${model.config.nLayers - 1}.hook_resid_post`;
  const families = OTHELLO_KIT.defaultFamilies.map((id) => OTHELLO_KIT.families.find((f) => f.id === id)!);
  const evaluated = (g: number[]) => OTHELLO_KIT.evaluated(g, model.config.nCtx);
  const train = evalGames(2024, games), test = evalGames(2025, games);

  const ctx = await createNodeGpuContext();
  const kernels = new Kernels(ctx, nodeShaderSource);
  const reader = gpuHookReader(kernels, model, hook, (g: number[]) => OTHELLO_KIT.tokens(g, model.config.nCtx)), runner = gpuSaeRunner(kernels, sae);
  const inner = saeSource(reader.read, sae, runner.run);
  let encodeMs = 0;
  const timed: ActivationSource<number[]> = {
    features: inner.features,
    async encode(g) { const t = performance.now(); const r = await inner.encode(g); encodeMs += performance.now() - t; return r; },
  };
  await inner.encode(train.slice(0, 2)); // warm-up: pipelines
  const t0 = performance.now();
  const suite = await supervisedMetrics(timed, evaluated, families, train, test);
  const totalMs = performance.now() - t0;

  // Subset: fast path vs the plain reference on identical inputs.
  const alive = Uint32Array.from(suite.alive_features), scale = Float32Array.from(suite.scales);
  const split = async (gs: number[][]) => {
    const enc = await inner.encode(gs);
    const positions = gs.flatMap((g) => evaluated(g).positions);
    const b = new LevelsBuilder(alive, scale, sae.dSae);
    b.add(enc.acts, enc.n);
    const dense = new Float32Array(enc.n * alive.length);
    for (let x = 0; x < enc.n; x++) alive.forEach((f, i) => { dense[x * alive.length + i] = enc.acts[x * sae.dSae + f]; });
    return { levels: b.build(), positions, dense, n: enc.n };
  };
  const a = await split(train.slice(0, subset)), b = await split(test.slice(0, subset));
  reader.destroy(); runner.destroy(); ctx.device.destroy();
  let fastMs = 0, refMs = 0, identical = true;
  for (const fam of families) {
    const ta = propertyTable(fam, a.positions), tb = propertyTable(fam, b.positions);
    let t = performance.now();
    const fast = familyCounts(fam, a.levels, a.positions);
    const labels = featureLabels(fast);
    const fastRec = reconstructionCounts(labels, b.levels, tb, fam.classes);
    fastMs += performance.now() - t;
    t = performance.now();
    const ref = referenceCounts(a.dense, scale, denseProperties(ta), a.n, ta.size);
    const refRec = referenceReconstructionCounts(labels, b.dense, scale, denseProperties(tb), b.n, tb.size, fam.classes);
    refMs += performance.now() - t;
    identical &&= fast.tp.every((v, i) => v === ref.tp[i]) && fast.on.every((v, i) => v === ref.on[i]) && JSON.stringify(fastRec) === JSON.stringify(refRec);
  }
  const statsMs = totalMs - encodeMs, scaleUp = (suite.train_positions + suite.test_positions) / (a.n + b.n);
  console.log(`Supervised metrics, ${saeDir} (${sae.kind}, ${sae.dSae} features = ${sae.dSae / sae.dIn} x d_model) on ${hook}; families ${OTHELLO_KIT.defaultFamilies.join(', ')}`);
  console.log(`Adapter: ${ctx.adapterName}; ${games} train + ${games} test games = ${suite.train_positions + suite.test_positions} positions; L0 ${suite.l0.toFixed(1)}, ${alive.length} alive`);
  console.log('| stage | seconds |');
  console.log('|---|---|');
  console.log(`| activations (WGSL forward + SAE, incl. the M_f sample) | ${(encodeMs / 1000).toFixed(1)} |`);
  console.log(`| statistics, fast path (levels, counts, coverage, labels, reconstruction) | ${(statsMs / 1000).toFixed(1)} |`);
  console.log(`| full suite, fast path | ${(totalMs / 1000).toFixed(1)} |`);
  console.log(`| statistics, plain reference (extrapolated x${scaleUp.toFixed(0)} from ${subset}+${subset} games) | ${((refMs * scaleUp) / 1000).toFixed(0)} |`);
  console.log(`Subset of ${subset}+${subset} games (${a.n + b.n} positions): fast ${fastMs.toFixed(0)} ms vs reference ${refMs.toFixed(0)} ms = ${(refMs / fastMs).toFixed(0)}x; counts identical: ${identical ? 'yes' : 'NO'}`);
  for (const f of suite.families) console.log(`  ${f.id}: coverage ${f.coverage.coverage.toFixed(3)}, reconstruction ${f.reconstruction.board_reconstruction.toFixed(3)}`);
  if (!identical) process.exitCode = 1;
}
