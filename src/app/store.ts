// Game state of the page: the moves played and which position is on the board.
import { create } from 'zustand';
import { legalMoves, mulberry32, randomGame, replay, type OthelloState } from '../games/othello';

interface GameStore {
  moves: number[];
  /** number of moves applied to the board shown (0..moves.length) */
  cursor: number;
  states: OthelloState[];
  play(square: number): void;
  randomGame(seed: number): void;
  reset(): void;
  step(delta: number): void;
}

export const useGame = create<GameStore>((set, get) => ({
  moves: [],
  cursor: 0,
  states: replay([]),
  play(square) {
    const { moves, cursor, states } = get();
    if (!legalMoves(states[cursor]).includes(square)) return;
    const next = [...moves.slice(0, cursor), square]; // playing from an earlier position drops the later moves
    set({ moves: next, cursor: next.length, states: replay(next) });
  },
  randomGame(seed) {
    const moves = randomGame(mulberry32(seed));
    set({ moves, cursor: moves.length, states: replay(moves) });
  },
  reset() {
    set({ moves: [], cursor: 0, states: replay([]) });
  },
  step(delta) {
    const { cursor, moves } = get();
    set({ cursor: Math.max(0, Math.min(moves.length, cursor + delta)) });
  },
}));
