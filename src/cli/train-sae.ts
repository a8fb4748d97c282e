// `train-sae`: trains an SAE on a model's hook_resid_post with the WGSL trainer (ReLU + L1,
// p-annealing, gated, or TopK), writes it as a dictionary_learning state dict (ae.safetensors +
// config.json) and reports L0, variance explained, loss recovered and dead features on held-out
// games. Othello or chess: activations at every token position (spec 4: all positions).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../games/othello/generator';
import { GpuSae } from '../gpu/sae-runner';
import { randomArray } from '../model/random';
import { toDictionaryLearningDict } from '../sae/formats';
import type { Sae } from '../sae/types';
import { writeSafetensors } from '../tensor/safetensors';
import { collectActivations } from '../train/activations';
import { gameKit } from '../games/kit';
import { PAnnealSchedule } from '../train/p-anneal';
import { lossRecovered, reconstructionMetrics } from '../train/sae-eval';
import { GpuSaeTrainer } from '../train/sae-trainer';
import { isPositiveInt, numberFlag, parseFlags, required, UsageError } from './args';
import { checkGameModel, MODEL_FLAGS, readModel, withResidual } from './files';
import { withNodeGpu } from './gpu-context';

export const TRAIN_SAE_USAGE = 'train-sae --model <weights: .safetensors | .pt | .pth | .bin> [--config <config.json>] [--n-heads H] [--game othello|chess] --layer L --kind relu|p-anneal|gated|gated-anneal|topk --dict-size F ' +
  '(--coef C | --k K) [--steps 3000] [--batch 1024] [--lr 0.001] [--train-games 2000] [--test-games 200] [--seed 1] --out <folder>';

const KINDS = ['relu', 'p-anneal', 'gated', 'gated-anneal', 'topk'] as const;
const TRAINER_CLASS = { relu: 'StandardTrainer', 'p-anneal': 'PAnnealTrainer', gated: 'GatedSAETrainer', 'gated-anneal': 'GatedAnnealTrainer', topk: 'TopKTrainer' };

/** dictionary_learning-style init: random unit decoder rows, encoder = decoder transposed, b_dec = data mean (gate, magnitude biases and r_mag zero). */
function initSae(kind: (typeof KINDS)[number], d: number, F: number, k: number | undefined, x: Float32Array, N: number, seed: number): Sae {
  const wDec = randomArray(F * d, 1, mulberry32(seed));
  const wEnc = new Float32Array(d * F);
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (let i = 0; i < d; i++) n += wDec[f * d + i] ** 2;
    for (let i = 0; i < d; i++) { wDec[f * d + i] /= Math.sqrt(n); wEnc[i * F + f] = wDec[f * d + i]; }
  }
  const bDec = new Float32Array(d);
  for (let r = 0; r < N; r++) for (let i = 0; i < d; i++) bDec[i] += x[r * d + i] / N;
  if (kind === 'gated' || kind === 'gated-anneal') {
    const zeros = () => new Float32Array(F);
    return { kind: 'gated', format: 'dictionary_learning', sourceClass: 'GatedAutoEncoder', dIn: d, dSae: F, wEnc, bEnc: zeros(), wDec, bDec,
      subtractDecoderBias: true, bGate: zeros(), rMag: zeros(), bMag: zeros() };
  }
  return { kind: kind === 'topk' ? 'topk' : 'relu', format: 'dictionary_learning', sourceClass: kind === 'topk' ? 'AutoEncoderTopK' : 'AutoEncoder',
    dIn: d, dSae: F, wEnc, bEnc: new Float32Array(F), wDec, bDec, subtractDecoderBias: true, k };
}

export async function runTrainSae(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, [...MODEL_FLAGS, 'game', 'layer', 'kind', 'dict-size', 'coef', 'k', 'steps', 'batch', 'lr', 'train-games', 'test-games', 'seed', 'out']);
  const game = flags.get('game') ?? 'othello';
  if (game !== 'othello' && game !== 'chess') throw new UsageError(`--game must be othello or chess, not "${game}"`);
  const kit = gameKit(game);
  const kind = required(flags, 'kind') as (typeof KINDS)[number];
  if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const num = (name: string, fallback: number | undefined, ok: (v: number) => boolean, what: string) => numberFlag(flags, name, fallback, ok, what);
  const posInt = isPositiveInt;
  // --residual centred trains on TransformerLens' centred stream (as the paper's probes and Othello SAEs were)
  const { model } = withResidual(flags, readModel(flags));
  checkGameModel(kit, model);
  const nCtx = model.config.nCtx;
  const layer = num('layer', undefined, (v) => Number.isSafeInteger(v) && v >= 0 && v < model.config.nLayers, `a layer 0..${model.config.nLayers - 1}`);
  const F = num('dict-size', undefined, posInt, 'a positive integer');
  const coef = kind === 'topk' ? 0 : num('coef', undefined, (v) => v > 0, 'positive');
  const k = kind === 'topk' ? num('k', undefined, (v) => posInt(v) && v <= F, `an integer in 1..${F}`) : undefined;
  const steps = num('steps', 3000, posInt, 'a positive integer'), batch = num('batch', 1024, posInt, 'a positive integer');
  const lr = num('lr', 1e-3, (v) => v > 0 && v < 1, 'in (0, 1)'), seed = num('seed', 1, (v) => Number.isSafeInteger(v) && v >= 0, 'a non-negative integer');
  const trainGames = num('train-games', 2000, posInt, 'a positive integer'), testGames = num('test-games', 200, posInt, 'a positive integer');
  const out = required(flags, 'out');
  const hook = `blocks.${layer}.hook_resid_post`, d = model.config.dModel;
  mkdirSync(out, { recursive: true });

  return withNodeGpu(async (kernels, adapter) => {
    const sequences = (seedSet: number, count: number) => kit.evalGames(seedSet, count, nCtx).map((g) => kit.tokens(g, nCtx));
    const train = await collectActivations(kernels, model, sequences(seed * 2 + 1000, trainGames), [hook]);
    const testSet = sequences(seed * 2 + 1001, testGames);
    const test = await collectActivations(kernels, model, testSet, [hook]);
    const x = train.X[0], N = train.N;
    if (N < batch) throw new UsageError(`only ${N} training positions for a batch of ${batch}: raise --train-games`);
    console.log(`${kind} SAE, ${F} features on ${hook}: ${N} training activations, ${steps} steps of ${batch} on ${adapter}`);
    const trainer = new GpuSaeTrainer(kernels, initSae(kind, d, F, k, x, N, seed), batch);
    const anneal = kind === 'p-anneal' || kind === 'gated-anneal' ? new PAnnealSchedule(coef, steps) : undefined;
    const rng = mulberry32(seed + 17), xb = new Float32Array(batch * d);
    const warmup = Math.min(1000, Math.floor(steps / 10));
    const t0 = performance.now();
    let last = { recon: 0, lp: 0, lpNext: 0 };
    for (let t = 0; t < steps; t++) {
      for (let r = 0; r < batch; r++) { const src = Math.floor(rng() * N); xb.set(x.subarray(src * d, (src + 1) * d), r * d); }
      anneal?.advance(t);
      const lrNow = lr * Math.min(1, (t + 1) / Math.max(1, warmup));
      last = await trainer.step(xb, t + 1, lrNow, anneal?.coef ?? coef, anneal?.p ?? 1, anneal?.pNext ?? 1);
      anneal?.observe(last.lp, last.lpNext);
      if ((t + 1) % 100 === 0 || t + 1 === steps) {
        const secs = (performance.now() - t0) / 1000, rate = ((t + 1) * batch) / secs;
        console.log(`step ${t + 1}/${steps}  mse ${last.recon.toFixed(4)}  sparsity ${last.lp.toFixed(3)}${anneal ? `  p ${anneal.p.toFixed(3)} coef ${anneal.coef.toFixed(4)}` : ''}  ${rate.toFixed(0)} activations/s  ETA ${Math.round(((steps - t - 1) * batch) / rate)}s`);
      }
    }
    const sae = { ...(await trainer.weights()), hookName: hook };
    trainer.destroy();
    const gpu = new GpuSae(kernels, sae);
    const rec = await reconstructionMetrics((xs, n) => gpu.run(xs, n), sae, test.X[0], test.N);
    gpu.destroy();
    const lossGames = testSet.slice(0, Math.min(30, testSet.length)); // the CPU reference runs 3 forwards per game
    const lr2 = lossRecovered(model, sae, hook, lossGames);
    const metrics = { ...rec, ...lr2, positions: test.N, loss_positions_games: lossGames.length };
    writeFileSync(join(out, 'ae.safetensors'), writeSafetensors(toDictionaryLearningDict(sae)));
    const trainerConfig: Record<string, unknown> = {
      trainer_class: TRAINER_CLASS[kind],
      dict_class: sae.sourceClass, activation_dim: d, dict_size: F, lr, steps, seed, layer, warmup_steps: warmup,
      sparsity_penalty: coef, ...(k ? { k } : {}), ...(anneal ? { sparsity_function: 'Lp^p', p_start: 1, p_end: 0.2, anneal_start: Math.floor(steps * 10000 / 36621), n_sparsity_updates: 10, sparsity_queue_length: 10, final_p: anneal.p, final_coef: anneal.coef } : { sparsity_function: 'L1' }),
      loss: sae.kind === 'gated' ? 'mean squared L2 reconstruction + coefficient * mean sum ReLU(gate pre-activation)^p + auxiliary squared reconstruction from the gate through the frozen decoder' : 'mean squared L2 reconstruction + coefficient * mean sum f^p',
      ...(sae.kind === 'gated' ? { adam_betas: [0, 0.999] } : {}), decoder: 'unit-norm rows (ConstrainedAdam)', b_dec_init: 'mean of the training activations',
    };
    writeFileSync(join(out, 'config.json'), JSON.stringify({ trainer: trainerConfig, buffer: { d_submodule: d, io: 'out', ctx_len: model.config.nCtx, out_batch_size: batch, train_games: trainGames, game, data: kit.gamesDescription } }, null, 2));
    writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2));
    return `${kind} SAE on ${hook}: L0 ${rec.l0.toFixed(1)}, variance explained ${rec.frac_variance_explained.toFixed(4)}, loss recovered ${lr2.frac_loss_recovered.toFixed(4)}, dead ${(100 * rec.dead_fraction).toFixed(1)}%; files in ${out}`;
  });
}
