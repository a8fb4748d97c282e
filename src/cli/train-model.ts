// `train-model`: trains a model on seeded random Othello games (or generated chess transcripts) with
// the WGSL training path.
// Prints a progress line (step, loss, tokens/s, ETA), checkpoints every few minutes and on
// SIGINT/SIGTERM, and `--resume` continues exactly (the batch of step s depends only on the seeds).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHookedTransformerConfig } from '../model/config';
import { toTransformerLensDict } from '../model/adapters';
import { randomModel } from '../model/random';
import { writeSafetensors } from '../tensor/safetensors';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../train/checkpoint';
import { chessEvalGames, chessTrainingBatch } from '../train/chess-data';
import { chessLegality, sampleBoundaries } from '../train/chess-eval';
import { evalGames, trainingBatch } from '../train/data';
import { evaluateLegalMoves } from '../train/eval';
import { GpuModel } from '../gpu/model-runner';
import { GpuModelTrainer } from '../train/model-trainer';
import { parseRunConfig, type RunConfig } from '../train/run-config';
import { learningRate } from '../train/schedule';
import { parseFlags, required, UsageError } from './args';
import { readJson } from './files';
import { withNodeGpu } from './gpu-context';

export const TRAIN_MODEL_USAGE = 'train-model --config <run config.json> --out <run folder> [--resume] [--max-minutes N] [--stop-after STEPS]';

const fmtTime = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`);

export async function runTrainModel(argv: string[]): Promise<string> {
  const resume = argv.includes('--resume');
  const flags = parseFlags(argv.filter((a) => a !== '--resume'), ['config', 'out', 'max-minutes', 'stop-after']);
  const configJson = readJson(required(flags, 'config'), 'training config');
  const config = parseRunConfig(configJson);
  const out = required(flags, 'out');
  const maxMinutes = flags.has('max-minutes') ? Number(flags.get('max-minutes')) : Infinity;
  if (!(maxMinutes > 0)) throw new UsageError('--max-minutes must be a positive number');
  const stopAfter = flags.has('stop-after') ? Number(flags.get('stop-after')) : Infinity;
  if (!(stopAfter > 0)) throw new UsageError('--stop-after must be a positive number of steps');
  const ckPath = join(out, 'checkpoint.safetensors');
  let ck: Checkpoint | undefined;
  if (existsSync(ckPath)) {
    if (!resume) throw new UsageError(`a run already exists in ${out}; pass --resume to continue it`);
    ck = loadCheckpoint(ckPath);
    checkResumeConfig(ck!.config, configJson, ck!.step, out);
  } else if (resume) {
    throw new UsageError(`nothing to resume: ${ckPath} does not exist`);
  }
  mkdirSync(out, { recursive: true });
  return withNodeGpu((kernels, adapter) => train(kernels, adapter, config, configJson, out, ck, { maxMinutes, stopAfter }));
}

// Keys a resumed run may change: the schedule length (to decay the learning rate sooner or later
// than first planned) and the checkpoint / curve intervals. Anything else would silently make a different run.
const RESCHEDULABLE = new Set(['steps', 'checkpoint_minutes', 'curve_minutes']);

function checkResumeConfig(saved: unknown, next: unknown, step: number, out: string): void {
  const strip = (c: unknown) => JSON.stringify(Object.fromEntries(Object.entries(c as Record<string, unknown>).filter(([k]) => !RESCHEDULABLE.has(k))));
  if (strip(saved) !== strip(next)) throw new UsageError(`--config differs from the config the run in ${out} was started with (only "steps", "checkpoint_minutes" and "curve_minutes" may change on --resume)`);
  const steps = (next as { steps: number }).steps;
  if (steps <= step) throw new UsageError(`--config "steps" (${steps}) must be above the step the run in ${out} reached (${step})`);
  const before = (saved as { steps: number }).steps;
  if (before !== steps) console.log(`schedule changed at step ${step}: ${before} -> ${steps} total steps`);
}

async function train(kernels: import('../gpu/kernels').Kernels, adapter: string, config: RunConfig, configJson: unknown, out: string, ck: Checkpoint | undefined, limits: { maxMinutes: number; stopAfter: number }): Promise<string> {
  const model = randomModel(config.model, config.initSeed);
  const trainer = new GpuModelTrainer(kernels, model, {
    batch: config.batch, clipNorm: config.clipNorm,
    adam: { beta1: config.beta1, beta2: config.beta2, eps: 1e-8, weightDecay: config.weightDecay },
  });
  if (ck) trainer.restoreState(ck.state);
  const history = ck?.history ?? [];
  // A fixed set of 200 evaluation games (seeds disjoint from training) scored at every checkpoint;
  // for chess, 200 move boundaries of fresh games, scored by greedy next-move legality.
  const chess = config.game === 'chess';
  const curveGames = chess ? [] : evalGames(4242, 200);
  const curveBoundaries = chess ? sampleBoundaries(chessEvalGames(4242, 200, config.model.nCtx), config.model.nCtx, 4242) : [];
  const curvePath = join(out, 'curve.json');
  const curve: Array<{ step: number; legal_top1?: number; legal_mass?: number; legal_greedy?: number }> =
    ck && existsSync(curvePath) ? JSON.parse(readFileSync(curvePath, 'utf8')).filter((c: { step: number }) => c.step <= ck.step) : [];
  let step = ck?.step ?? 0;
  const lastStep = Math.min(config.steps, step + limits.stopAfter);
  const tokensPerStep = config.batch * trainer.T;
  console.log(`${ck ? `resuming at step ${step}` : 'starting'}: ${config.steps} steps of ${config.batch} games on ${adapter}`);

  // The curve is scored at the end and at checkpoints at least curve_minutes apart (chess's greedy
  // decoding costs ~100 forward passes, so scoring it every checkpoint slowed training by a third).
  let lastCurve = -Infinity;
  const save = async (final: boolean) => {
    const weights = await trainer.weights();
    const due = final || (performance.now() - lastCurve) / 60000 >= config.curveMinutes;
    if (due && (curve.length === 0 || curve[curve.length - 1].step !== step)) {
      lastCurve = performance.now();
      const gpu = new GpuModel(kernels, { config: config.model, weights });
      const logits = async (b: number[][]) => (await gpu.forward(b)).logits;
      if (chess) {
        const m = await chessLegality(curveBoundaries, logits, config.model.dVocab, config.model.nCtx);
        curve.push({ step, legal_greedy: m.rate });
        console.log(`step ${step}: greedy next move legal at ${(100 * m.rate).toFixed(2)}% of ${m.positions} held-out positions`);
      } else {
        const m = await evaluateLegalMoves(curveGames, config.model.nCtx, config.model.dVocab, logits);
        curve.push({ step, legal_top1: m.legalTop1, legal_mass: m.legalMass });
        console.log(`step ${step}: legal top-1 ${(100 * m.legalTop1).toFixed(2)}%, legal mass ${m.legalMass.toFixed(4)} on 200 held-out games`);
      }
      gpu.destroy();
    }
    saveCheckpoint(join(out, 'checkpoint.safetensors'), { step, config: configJson, history, state: await trainer.state() });
    writeFileSync(curvePath, JSON.stringify(curve));
    writeFileSync(join(out, 'model.safetensors'), writeSafetensors(toTransformerLensDict({ config: config.model, weights }), { metadata: { step: String(step) } }));
    writeFileSync(join(out, 'config.json'), JSON.stringify(toHookedTransformerConfig(config.model), null, 2));
    writeFileSync(join(out, 'history.json'), JSON.stringify(history));
  };
  let stopRequested = false;
  const stop = () => { stopRequested = true; };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const start = performance.now();
  let lastSave = performance.now(), windowLoss = 0, windowSteps = 0, windowStart = performance.now(), rate = 0;
  try {
    while (step < lastStep && !stopRequested && (performance.now() - start) / 60000 < limits.maxMinutes) {
      const next = step + 1;
      const lr = learningRate({ peak: config.lr, warmupSteps: config.warmupSteps, totalSteps: config.steps, minRatio: config.minLrRatio }, step);
      const batch = chess ? chessTrainingBatch(config.dataSeed, next, config.batch, trainer.T) : trainingBatch(config.dataSeed, next, config.batch, trainer.T);
      const r = await trainer.step(batch, next, lr);
      if (!Number.isFinite(r.loss)) throw new Error(`loss became ${r.loss} at step ${next}; stopping without overwriting the last checkpoint`);
      step = next;
      windowLoss += r.loss;
      windowSteps++;
      if (windowSteps === 10 || step === config.steps) {
        const secs = (performance.now() - windowStart) / 1000;
        rate = (windowSteps * tokensPerStep) / secs;
        history.push({ step, loss: windowLoss / windowSteps });
        const eta = ((config.steps - step) * tokensPerStep) / rate;
        console.log(`step ${step}/${config.steps}  loss ${(windowLoss / windowSteps).toFixed(4)}  grad-norm ${r.gradNorm.toFixed(3)}  lr ${lr.toExponential(2)}  ${rate.toFixed(0)} tokens/s  ETA ${fmtTime(eta)}`);
        windowLoss = 0; windowSteps = 0; windowStart = performance.now();
      }
      if ((performance.now() - lastSave) / 60000 >= config.checkpointMinutes) {
        await save(false);
        lastSave = performance.now();
        console.log(`checkpoint at step ${step}`);
      }
    }
    await save(true);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    trainer.destroy();
  }
  return `${step >= config.steps ? 'finished' : 'stopped'} at step ${step}; checkpoint, model.safetensors and config.json in ${out}`;
}
