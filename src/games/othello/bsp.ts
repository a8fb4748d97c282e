// Othello board-state properties used as probe targets (spec 2.3). Position i is the board after
// move i (0-indexed); "mine" is by token parity, ignoring passes: at even i black just moved.
import { legalMoves, type OthelloState } from './board';

/** Classes per square: 0 = the next player's piece ("theirs"), 1 = empty, 2 = the piece of the player who just moved ("mine"). */
export function mineTheirsEmpty(state: OthelloState, position: number): Uint8Array {
  const flip = position % 2 === 0 ? 1 : -1;
  return Uint8Array.from(state.cells, (v) => v * flip + 1);
}

/** 1 on the squares where the player to move next may play (empty when the game is over). */
export function legalMoveBoard(state: OthelloState): Uint8Array {
  const out = new Uint8Array(64);
  for (const s of legalMoves(state)) out[s] = 1;
  return out;
}
