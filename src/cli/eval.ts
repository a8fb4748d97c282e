// `eval`: legal-move rate and legal probability mass of a model on fresh seeded games.
import { writeFileSync } from 'node:fs';
import { GpuModel } from '../gpu/model-runner';
import { cpuForward } from '../model/cpu-forward';
import { evalGames } from '../train/data';
import { evaluateLegalMoves, type LegalMoveMetrics } from '../train/eval';
import { parseFlags, required, UsageError } from './args';
import { readModel } from './files';
import { withNodeGpu } from './gpu-context';

export const EVAL_USAGE = 'eval --model <weights.safetensors> --config <config.json> --game othello [--games 2000] [--seed 12345] [--backend webgpu|cpu] [--out metrics.json]';

export async function runEval(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['model', 'config', 'game', 'games', 'seed', 'backend', 'out']);
  if (required(flags, 'game') !== 'othello') throw new UsageError('--game: only othello is supported yet');
  const count = Number(flags.get('games') ?? 2000), seed = Number(flags.get('seed') ?? 12345);
  if (!Number.isSafeInteger(count) || count < 1) throw new UsageError('--games must be a positive integer');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const backend = flags.get('backend') ?? 'webgpu';
  if (backend !== 'webgpu' && backend !== 'cpu') throw new UsageError(`--backend must be cpu or webgpu, not "${backend}"`);
  const model = readModel(required(flags, 'model'), required(flags, 'config'));
  const games = evalGames(seed, count);
  const t0 = performance.now();
  const { nCtx, dVocab } = model.config;
  let metrics: LegalMoveMetrics;
  if (backend === 'cpu') {
    metrics = await evaluateLegalMoves(games, nCtx, dVocab, async (batch) => batch.map((tokens) => cpuForward(model, tokens).logits));
  } else {
    metrics = await withNodeGpu(async (kernels) => {
      const gpu = new GpuModel(kernels, model);
      return evaluateLegalMoves(games, nCtx, dVocab, async (batch) => (await gpu.forward(batch)).logits);
    });
  }
  const result = { ...metrics, eval_seed: seed, backend, seconds: (performance.now() - t0) / 1000 };
  if (flags.has('out')) writeFileSync(flags.get('out')!, JSON.stringify(result, null, 2));
  return `games ${metrics.games}, positions ${metrics.positions}: legal top-1 ${(100 * metrics.legalTop1).toFixed(2)}%, ` +
    `legal probability mass ${metrics.legalMass.toFixed(4)}, next-move loss ${metrics.loss.toFixed(4)} (${result.seconds.toFixed(0)} s, ${backend})`;
}
