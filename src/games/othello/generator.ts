// Seeded random legal Othello games: at every turn a move is drawn uniformly from the legal moves
// (Li et al.'s synthetic distribution). Passes are implicit, as in the engine.
import { initialState, isGameOver, legalMoves, playMove } from './board';

/** Small, fast, seedable PRNG (mulberry32) returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random legal game as a list of squares (up to 60 moves; fewer if the game ends early). */
export function randomGame(rng: () => number, maxMoves = 60): number[] {
  let state = initialState();
  const moves: number[] = [];
  while (moves.length < maxMoves && !isGameOver(state)) {
    const legal = legalMoves(state);
    const sq = legal[Math.floor(rng() * legal.length)];
    moves.push(sq);
    state = playMove(state, sq);
  }
  return moves;
}

export function randomGames(seed: number, count: number, maxMoves = 60): number[][] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => randomGame(rng, maxMoves));
}
