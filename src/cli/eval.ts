// `eval`: legal-move rate and legal probability mass of a model on fresh seeded games (Othello), or
// the rate of legal greedy next moves at fresh positions (chess).
import { writeFileSync } from 'node:fs';
import { GpuModel } from '../gpu/model-runner';
import { cpuForward } from '../model/cpu-forward';
import { chessEvalGames } from '../train/chess-data';
import { chessLegality, sampleBoundaries } from '../train/chess-eval';
import { evalGames } from '../train/data';
import { evaluateLegalMoves, type LegalMoveMetrics } from '../train/eval';
import { parseFlags, required, UsageError } from './args';
import { MODEL_FLAGS, readModel } from './files';
import { withNodeGpu } from './gpu-context';

export const EVAL_USAGE = 'eval --model <weights: .safetensors | .pt | .pth | .bin> [--config <config.json>] [--n-heads H] --game othello|chess [--games 2000 (Othello) | 1000 (chess: one position per game)] [--seed 12345] [--backend webgpu|cpu] [--out metrics.json]';

export async function runEval(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, [...MODEL_FLAGS, 'game', 'games', 'seed', 'backend', 'out']);
  const game = required(flags, 'game');
  if (game !== 'othello' && game !== 'chess') throw new UsageError(`--game must be othello or chess, not "${game}"`);
  const count = Number(flags.get('games') ?? (game === 'chess' ? 1000 : 2000)), seed = Number(flags.get('seed') ?? 12345);
  if (!Number.isSafeInteger(count) || count < 1) throw new UsageError('--games must be a positive integer');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const backend = flags.get('backend') ?? 'webgpu';
  if (backend !== 'webgpu' && backend !== 'cpu') throw new UsageError(`--backend must be cpu or webgpu, not "${backend}"`);
  const model = readModel(flags); // --residual is accepted but changes nothing here: probabilities are the same either way
  if (game === 'chess') return evalChess(model, count, seed, backend, flags.get('out'));
  if (model.config.dVocab !== 61) throw new UsageError(`--game othello needs a 61-token Othello model; this one has d_vocab ${model.config.dVocab}`);
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

async function evalChess(model: ReturnType<typeof readModel>, count: number, seed: number, backend: string, out?: string): Promise<string> {
  const { nCtx, dVocab } = model.config;
  if (dVocab !== 32) throw new UsageError(`--game chess needs a 32-character chess model; this one has d_vocab ${dVocab}`);
  const t0 = performance.now();
  const boundaries = sampleBoundaries(chessEvalGames(seed, count, nCtx), nCtx, seed);
  const r = backend === 'cpu'
    ? await chessLegality(boundaries, async (batch) => batch.map((tokens) => cpuForward(model, tokens).logits), dVocab, nCtx)
    : await withNodeGpu(async (kernels) => {
      const gpu = new GpuModel(kernels, model);
      return chessLegality(boundaries, async (batch) => (await gpu.forward(batch)).logits, dVocab, nCtx);
    });
  const result = { game: 'chess', positions: r.positions, legal: r.legal, legal_greedy: r.rate, examples: r.examples, eval_seed: seed, backend, seconds: (performance.now() - t0) / 1000 };
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  return `positions ${r.positions}: greedy next move legal ${(100 * r.rate).toFixed(2)}% (${result.seconds.toFixed(0)} s, ${backend})`;
}
