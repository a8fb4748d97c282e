// `forward`: runs a model (and optionally an SAE) on one game and writes every activation.
import { writeFileSync } from 'node:fs';
import { encodeSquares, parseTranscript, replay } from '../games/othello';
import { cpuForward } from '../model/cpu-forward';
import { hookNames, hookShape } from '../model/config';
import type { Model } from '../model/weights';
import { cpuSae } from '../sae/cpu';
import { loadSaeFiles, saeHookFor } from '../sae/formats';
import type { Sae } from '../sae/types';
import { writeSafetensors } from '../tensor/safetensors';
import type { Tensor } from '../tensor/tensor';
import { parseFlags, required, UsageError } from './args';
import { MODEL_FLAGS, readModel, readSaeFolder, withResidual } from './files';
import { PgnError, pgnToTranscript } from '../games/chess/pgn';
import { CHESS_VOCAB_SIZE, ChessTokenError, encodeChess } from '../games/chess/tokenizer';

export const FORWARD_USAGE =
  'forward --model <weights: .safetensors | .pt | .pth | .bin> [--config <config.json>] [--n-heads H] (--game othello (--moves "<moves>" | --tokens "<ids>") | --game chess --pgn "<movetext>") ' +
  '[--backend cpu|webgpu] [--sae <SAE folder> [--sae-hook <hook name>]] [--residual raw|centred] --out <file.safetensors>';

const FLAGS = [...MODEL_FLAGS, 'game', 'moves', 'tokens', 'pgn', 'backend', 'sae', 'sae-hook', 'out'] as const;

export function parseTokenList(text: string): number[] {
  const parts = text.trim().split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError('--tokens is empty');
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--tokens: "${p}" is not a token id`);
    return Number(p);
  });
}

function othelloTokens(flags: Map<string, string>, model: Model): number[] {
  const moves = flags.get('moves'), tokens = flags.get('tokens');
  if ((moves === undefined) === (tokens === undefined)) throw new UsageError('give exactly one of --moves and --tokens');
  let ids: number[];
  if (moves !== undefined) {
    const squares = parseTranscript(moves);
    if (squares.length === 0) throw new UsageError('--moves is empty');
    replay(squares); // throws a clear error on the first illegal move
    ids = encodeSquares(squares);
  } else {
    ids = parseTokenList(tokens!);
  }
  const { nCtx, dVocab } = model.config;
  if (ids.length > nCtx) throw new UsageError(`${ids.length} moves do not fit the model's context of ${nCtx} positions`);
  const bad = ids.find((t) => t >= dVocab);
  if (bad !== undefined) throw new UsageError(`token ${bad} is outside the model's vocabulary 0..${dVocab - 1}`);
  return ids;
}

/** A chess game from --pgn (ordinary PGN or movetext), as Karvonen's transcript's character ids. */
function chessTokens(flags: Map<string, string>, model: Model): number[] {
  const pgn = flags.get('pgn');
  if (pgn === undefined) throw new UsageError('--game chess needs --pgn "<movetext>"');
  let ids: number[];
  try {
    ids = encodeChess(pgnToTranscript(pgn));
  } catch (e) {
    if (e instanceof PgnError || e instanceof ChessTokenError) throw new UsageError(`--pgn: ${e.message}`);
    throw e;
  }
  const { nCtx, dVocab } = model.config;
  if (dVocab !== CHESS_VOCAB_SIZE) throw new UsageError(`a chess model has a ${CHESS_VOCAB_SIZE}-character vocabulary; this model's d_vocab is ${dVocab}`);
  if (ids.length > nCtx) throw new UsageError(`the transcript has ${ids.length} characters; the model's context is ${nCtx}`);
  return ids;
}

export async function runForward(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, FLAGS);
  const game = required(flags, 'game');
  if (game !== 'othello' && game !== 'chess') throw new UsageError(`--game must be othello or chess, not "${game}"`);
  const backend = flags.get('backend') ?? 'webgpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not "${backend}"`);
  const out = required(flags, 'out');
  const loaded = readModel(flags);
  const tokens = game === 'chess' ? chessTokens(flags, loaded) : othelloTokens(flags, loaded);

  let sae: Sae | undefined;
  let saeHook: string | undefined;
  if (flags.has('sae')) sae = loadSaeFiles(readSaeFolder(flags.get('sae')!));
  const { model, residual, note: residualNote } = withResidual(flags, loaded, sae ? [sae] : []);
  if (sae) {
    saeHook = flags.get('sae-hook') ?? saeHookFor(sae, model.config);
    if (!saeHook) throw new UsageError('the SAE files do not name a hook: give --sae-hook');
    if (!hookNames(model.config).includes(saeHook)) throw new UsageError(`unknown hook "${saeHook}" (e.g. blocks.0.hook_resid_post)`);
    const width = hookShape(model.config, saeHook, tokens.length).slice(1).reduce((a, b) => a * b, 1);
    if (width !== sae.dIn) throw new UsageError(`shape mismatch: the SAE's d_in is ${sae.dIn} but ${saeHook} has width ${width}`);
  } else if (flags.has('sae-hook')) {
    throw new UsageError('--sae-hook needs --sae');
  }

  const T = tokens.length;
  const names = hookNames(model.config);
  let logits: Float32Array;
  let hooks: Map<string, Float32Array>;
  let saeOut: { acts: Float32Array; recon: Float32Array } | undefined;
  let device = 'CPU reference';
  if (backend === 'cpu') {
    ({ logits, hooks } = cpuForward(model, tokens, { capture: 'all' }));
    if (sae) saeOut = cpuSae(sae, hooks.get(saeHook!)!, T);
  } else {
    const { runOnGpu } = await import('./gpu-forward');
    ({ logits, hooks, saeOut, device } = await runOnGpu(model, tokens, names, sae, saeHook));
  }

  const tensors: Array<[string, Tensor]> = [['logits', { shape: [T, model.config.dVocab], data: logits }]];
  for (const name of names) tensors.push([name, { shape: hookShape(model.config, name, T), data: hooks.get(name)! }]);
  if (sae && saeOut) {
    tensors.push(['sae.hook_sae_acts_post', { shape: [T, sae.dSae], data: saeOut.acts }]);
    tensors.push(['sae.hook_sae_output', { shape: [T, sae.dIn], data: saeOut.recon }]);
  }
  const metadata: Record<string, string> = { game, tokens: tokens.join(','), backend, device, residual };
  if (saeHook) metadata.sae_hook = saeHook;
  try {
    writeFileSync(out, writeSafetensors(tensors, { metadata }));
  } catch (e) {
    throw new UsageError(`cannot write "${out}": ${(e as Error).message}`);
  }
  return `wrote ${tensors.length} tensors for ${T} positions to ${out} (${device}; ${residualNote})`;
}
