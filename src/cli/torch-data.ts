// Data for the PyTorch trainer (pytorch/), made by the project's own game generators so there is
// one implementation of the rules:
//  - `batches` streams the training batches of a run config to stdout, step by step, exactly the
//    batches `train-model` trains on (same seeds), optionally one data-parallel rank's slice;
//  - `eval-set` writes the held-out set `train-model` scores its learning curve on, with the answer
//    key (the legal next moves) so the trainer can score it without knowing the rules.
import { writeFileSync } from 'node:fs';
import { legalMoves } from '../games/othello/board';
import { replay } from '../games/othello/notation';
import { encodeSquares, squareToToken } from '../games/othello/tokenizer';
import { Chess } from 'chess.js';
import { CHESS_VOCAB, encodeChess } from '../games/chess/tokenizer';
import { chessEvalGames, chessTrainingBatch } from '../train/chess-data';
import { sampleBoundaries } from '../train/chess-eval';
import { evalGames, trainingBatch } from '../train/data';
import { parseRunConfig } from '../train/run-config';
import { numberFlag, parseFlags, required, UsageError } from './args';
import { readJson } from './files';

export const BATCHES_USAGE = 'batches --config <run config.json> --from-step S [--to-step E] [--rank R --world W]   (binary int32 tokens + targets per step on stdout)';
export const EVAL_SET_USAGE = 'eval-set --config <run config.json> --out <file.json> [--seed 4242] [--count 200]';

/** Writes `bytes` to stdout, waiting for the pipe to drain (the trainer reads at its own pace). */
function writeOut(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = process.stdout.write(bytes, (e) => { if (e) reject(e); });
    if (ok) resolve(); else process.stdout.once('drain', resolve);
  });
}

export async function runBatches(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['config', 'from-step', 'to-step', 'rank', 'world']);
  const config = parseRunConfig(readJson(required(flags, 'config'), 'training config'));
  const from = numberFlag(flags, 'from-step', undefined, (v) => Number.isSafeInteger(v) && v >= 1, 'a step number >= 1');
  const to = numberFlag(flags, 'to-step', Number.MAX_SAFE_INTEGER, (v) => Number.isSafeInteger(v) && v >= from, 'a step number >= --from-step');
  const world = numberFlag(flags, 'world', 1, (v) => Number.isSafeInteger(v) && v >= 1 && config.batch % v === 0, `a divisor of the batch size ${config.batch}`);
  const rank = numberFlag(flags, 'rank', 0, (v) => Number.isSafeInteger(v) && v >= 0 && v < world, `in 0..${world - 1}`);
  const B = config.batch / world, T = config.model.nCtx;
  // A closed pipe (the trainer stopped) ends the stream quietly.
  let closed = false;
  process.stdout.on('error', () => { closed = true; });
  for (let step = from; step <= to && !closed; step++) {
    const b = config.game === 'chess' ? chessTrainingBatch(config.dataSeed, step, B, T, rank * B) : trainingBatch(config.dataSeed, step, B, T, rank * B);
    // IGNORE (0xffffffff) reads as -1 in int32: torch's ignore_index.
    await writeOut(new Uint8Array(b.tokens.buffer, b.tokens.byteOffset, b.tokens.byteLength));
    await writeOut(new Uint8Array(b.targets.buffer, b.targets.byteOffset, b.targets.byteLength));
  }
  return '';
}

/** The SAN forms chess.js's strict parser accepts for a move, as the trainer compares them (see isLegalSan). */
const strippedSan = (san: string) => san.replace(/=/, '').replace(/[+#]?[?!]*$/, '');

export async function runEvalSet(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['config', 'out', 'seed', 'count']);
  const config = parseRunConfig(readJson(required(flags, 'config'), 'training config'));
  const seed = numberFlag(flags, 'seed', 4242, (v) => Number.isSafeInteger(v) && v >= 0, 'a non-negative integer');
  const count = numberFlag(flags, 'count', 200, (v) => Number.isSafeInteger(v) && v >= 1 && v <= 100000, 'an integer in 1..100000');
  const out = required(flags, 'out');
  const T = config.model.nCtx;
  if (config.game === 'chess') {
    const boundaries = sampleBoundaries(chessEvalGames(seed, count, T), T, seed);
    const items = boundaries.map((b) => ({
      prefix: encodeChess(b.prefix),
      legal: new Chess(b.fen).moves().map(strippedSan),
    }));
    writeFileSync(out, JSON.stringify({ game: 'chess', seed, vocab: CHESS_VOCAB, max_len: 8, boundaries: items }));
    return `${items.length} chess move boundaries written to ${out}`;
  }
  if (config.game !== 'othello') throw new UsageError(`unknown game ${config.game}`);
  const games = evalGames(seed, count).map((g) => {
    const states = replay(g.slice(0, T + 1));
    const tokens = encodeSquares(g.slice(0, T));
    // legal[i]: the legal next moves after the first i+1 moves ([] when the game is over there).
    const legal = tokens.map((_, i) => legalMoves(states[i + 1]).map(squareToToken));
    const next = tokens.map((_, i) => (i + 1 < g.length ? squareToToken(g[i + 1]) : -1));
    return { tokens, legal, next };
  });
  writeFileSync(out, JSON.stringify({ game: 'othello', seed, games }));
  return `${games.length} Othello games written to ${out}`;
}
