// Training and evaluation data: seeded random legal Othello games (Li et al.'s synthetic
// distribution), tokenised with the 61-token vocabulary. Training seeds have the top bit clear,
// evaluation seeds have it set, so the two sets of games never share a seed.
import { mulberry32, randomGame } from '../games/othello/generator';
import { encodeSquares } from '../games/othello/tokenizer';

export const IGNORE = 0xffffffff;
const EVAL_BIT = 0x80000000;

/** A well-mixed 31-bit seed from (run seed, step, index) — murmur3's finaliser. */
function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export const trainingSeed = (runSeed: number, step: number, index: number) => mix(runSeed, step, index) & ~EVAL_BIT & 0x7fffffff;
export const evalSeed = (setSeed: number, index: number) => (mix(setSeed, index, 0xe7a1) | EVAL_BIT) >>> 0;

export interface TokenBatch {
  B: number;
  T: number;
  /** [B*T] model inputs (0 = padding after a game that ended early) */
  tokens: Uint32Array;
  /** [B*T] next-move targets, IGNORE where there is none */
  targets: Uint32Array;
  /** number of non-ignored targets */
  count: number;
  games: number[][];
}

/** Inputs are the first T moves, targets the moves 1..T (spec 1.2: 59 of a 60-move game). */
export function gamesToBatch(games: number[][], T: number): TokenBatch {
  const B = games.length;
  const tokens = new Uint32Array(B * T), targets = new Uint32Array(B * T).fill(IGNORE);
  let count = 0;
  games.forEach((g, b) => {
    const ids = encodeSquares(g);
    for (let t = 0; t < T; t++) {
      if (t < ids.length) tokens[b * T + t] = ids[t];
      if (t + 1 < ids.length) { targets[b * T + t] = ids[t + 1]; count++; }
    }
  });
  return { B, T, tokens, targets, count, games };
}

/** The batch of `step`: games first..first+B-1 (a data-parallel rank takes its slice of the step's games). */
export function trainingBatch(runSeed: number, step: number, B: number, T: number, first = 0): TokenBatch {
  return gamesToBatch(Array.from({ length: B }, (_, i) => randomGame(mulberry32(trainingSeed(runSeed, step, first + i)))), T);
}

export function evalGames(setSeed: number, count: number): number[][] {
  return Array.from({ length: count }, (_, i) => randomGame(mulberry32(evalSeed(setSeed, i))));
}
