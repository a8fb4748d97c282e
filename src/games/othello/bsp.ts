// Othello board-state properties (spec 2.3), as in the paper's othello_utils. Position i is the board
// after move i (0-indexed). "Mine/yours" is by token parity, ignoring passes: flip = +1 at even i
// (black just moved), -1 at odd i. After the flip, +1 is the player who just moved, -1 the player to
// move next.
import type { BspFamily } from '../../metrics/bsp';
import { initialState, legalMoves, playMove, type OthelloState } from './board';

export interface OthelloPosition {
  /** board after move `index` */
  readonly state: OthelloState;
  /** 0-based move index in the game */
  readonly index: number;
}

/** Every evaluated position of a game (the first `limit` moves; 59 for the model's context). */
export function othelloPositions(game: readonly number[], limit = 59): OthelloPosition[] {
  const out: OthelloPosition[] = [];
  let state = initialState();
  for (let i = 0; i < Math.min(limit, game.length); i++) {
    state = playMove(state, game[i]);
    out.push({ state, index: i });
  }
  return out;
}

const parityFlip = (index: number) => (index % 2 === 0 ? 1 : -1);

/** Classes per square: 0 = the next player's piece ("theirs"), 1 = empty, 2 = the piece of the player who just moved ("mine"). */
export function mineTheirsEmpty(state: OthelloState, position: number): Uint8Array {
  const flip = parityFlip(position);
  return Uint8Array.from(state.cells, (v) => v * flip + 1);
}

/** 1 on the squares where the player to move next may play (the opponent's after a forced pass; none when the game is over). */
export function legalMoveBoard(state: OthelloState): Uint8Array {
  const out = new Uint8Array(64);
  for (const s of legalMoves(state)) out[s] = 1;
  return out;
}

// The engine's direction order [drow, dcol]; class indices of the line families depend on it.
const EIGHTS: ReadonlyArray<readonly [number, number]> = [[-1, 0], [-1, 1], [0, 1], [1, 1], [1, 0], [1, -1], [0, -1], [-1, -1]];
const MAX_LENGTH = 6;

/** For an empty square and a direction: the run of +1 pieces (after `flip`) and what ends it. */
function run(cells: Int8Array, flip: number, square: number, [dr, dc]: readonly [number, number]) {
  let r = (square >> 3) + dr, c = (square & 7) + dc, length = 0;
  while (r >= 0 && r < 8 && c >= 0 && c < 8 && cells[r * 8 + c] * flip === 1) { length++; r += dr; c += dc; }
  const closedByMover = r >= 0 && r < 8 && c >= 0 && c < 8 && cells[r * 8 + c] * flip === -1;
  return { length, closedByMover };
}

function squareClassFamily(id: string, name: string, flipOf: (i: number) => number, maskedClass?: number, base?: string): BspFamily<OthelloPosition> {
  return {
    id, name, rows: 8, classes: 3, maskedClass, oneHot: { exclude: 1, base },
    positives({ state, index }, out) {
      const flip = flipOf(index);
      for (let s = 0; s < 64; s++) {
        const cls = state.cells[s] * flip + 1;
        if (cls !== maskedClass) out.push(s * 3 + cls);
      }
    },
  };
}

function linesFamily(id: string, name: string, flipOf: (i: number) => number): BspFamily<OthelloPosition> {
  return {
    id, name, rows: 8, classes: 8,
    positives({ state, index }, out) {
      const flip = flipOf(index);
      for (let s = 0; s < 64; s++) {
        if (state.cells[s] !== 0) continue;
        EIGHTS.forEach((d, k) => {
          const r = run(state.cells, flip, s, d);
          if (r.length > 0 && r.closedByMover) out.push(s * 8 + k);
        });
      }
    },
  };
}

/** One-hot over (run length 1..6) x 8 directions; `closed` requires the run to end in the mover's piece. */
function lengthLinesFamily(id: string, name: string, closed: boolean): BspFamily<OthelloPosition> {
  return {
    id, name, rows: 8, classes: MAX_LENGTH * 8,
    positives({ state, index }, out) {
      const flip = parityFlip(index);
      const set: number[] = [];
      for (let s = 0; s < 64; s++) {
        if (state.cells[s] !== 0) continue;
        set.length = 0;
        EIGHTS.forEach((d, k) => {
          const r = run(state.cells, flip, s, d);
          if (closed && !(r.length > 0 && r.closedByMover)) return;
          // The paper indexes (min(length, 6) - 1) * 8 + k with Python semantics: an empty run gives
          // index -8 + k, which wraps to the length-6 slot. Reproduced to keep the numbers comparable.
          const slot = (((Math.min(r.length, MAX_LENGTH) - 1) * 8 + k) + MAX_LENGTH * 8) % (MAX_LENGTH * 8);
          set.push(s * MAX_LENGTH * 8 + slot);
        });
        set.sort((a, b) => a - b);
        out.push(...set);
      }
    },
  };
}

export const OTHELLO_BSP_FAMILIES: readonly BspFamily<OthelloPosition>[] = [
  squareClassFamily('mine-yours', 'games_batch_to_state_stack_mine_yours_BLRRC', parityFlip),
  squareClassFamily('mine-yours-blank-mask', 'games_batch_to_state_stack_mine_yours_blank_mask_BLRRC', parityFlip, 1, 'mine-yours'),
  {
    id: 'valid-moves', name: 'games_batch_to_valid_moves_BLRRC', rows: 8, classes: 1,
    positives({ state }, out) { for (const s of legalMoves(state).sort((a, b) => a - b)) out.push(s); },
  },
  squareClassFamily('black-white', 'games_batch_to_state_stack_BLRRC', () => 1),
  linesFamily('lines-mine', 'games_batch_to_state_stack_lines_mine_BLRCC', parityFlip),
  lengthLinesFamily('length-lines-mine', 'games_batch_to_state_stack_length_lines_mine_BLRRC', true),
  lengthLinesFamily('opponent-length-lines-mine', 'games_batch_to_state_stack_opponent_length_lines_mine_BLRRC', false),
  linesFamily('lines-yours', 'games_batch_to_state_stack_lines_yours_BLRRC', (i) => -parityFlip(i)),
];

/**
 * Not one of the paper's families: "the square holds a disc, of either colour". A feature that fires
 * for occupied squares classifies "mine" and "theirs" each at half strength, so without this entry it
 * would be named after the wrong one. The page's labels use it; `metrics` does not.
 */
export const OTHELLO_OCCUPIED: BspFamily<OthelloPosition> = {
  id: 'occupied', name: 'occupied (workbench labels; not in the paper)', rows: 8, classes: 1,
  positives({ state }, out) { for (let s = 0; s < 64; s++) if (state.cells[s] !== 0) out.push(s); },
};

/** The pipeline's default Othello set (spec 3): mine/yours, the blank-masked main set, and valid moves. */
export const OTHELLO_DEFAULT_BSPS = ['mine-yours', 'mine-yours-blank-mask', 'valid-moves'];
