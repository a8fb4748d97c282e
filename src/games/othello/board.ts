// Othello rules on an 8x8 board. Squares are 0..63 = 8*row + col (row 0 at the top).
// Cell values follow Li et al.'s engine: +1 black, -1 white, 0 empty. Black moves first.

export type Player = 1 | -1;
export const BLACK: Player = 1;
export const WHITE: Player = -1;

export interface OthelloState {
  /** [64] cell values: +1 black, -1 white, 0 empty */
  readonly cells: Int8Array;
  /** the player whose turn it is */
  readonly next: Player;
}

const DIRECTIONS: ReadonlyArray<readonly [number, number]> = [
  [-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1],
];

export function initialState(): OthelloState {
  const cells = new Int8Array(64);
  // d4/e5 white, e4/d5 black in Li et al.'s square numbering (spec 1.2).
  cells[27] = WHITE; cells[28] = BLACK; cells[35] = BLACK; cells[36] = WHITE;
  return { cells, next: BLACK };
}

/** Squares that `player` would flip by playing `square`; empty when the move is illegal. */
export function flipsFor(cells: Int8Array, square: number, player: Player): number[] {
  if (square < 0 || square > 63 || cells[square] !== 0) return [];
  const r0 = square >> 3, c0 = square & 7;
  const flips: number[] = [];
  for (const [dr, dc] of DIRECTIONS) {
    const run: number[] = [];
    let r = r0 + dr, c = c0 + dc;
    while (r >= 0 && r < 8 && c >= 0 && c < 8 && cells[r * 8 + c] === -player) {
      run.push(r * 8 + c);
      r += dr; c += dc;
    }
    if (run.length > 0 && r >= 0 && r < 8 && c >= 0 && c < 8 && cells[r * 8 + c] === player) flips.push(...run);
  }
  return flips;
}

export function legalMovesFor(cells: Int8Array, player: Player): number[] {
  const moves: number[] = [];
  for (let s = 0; s < 64; s++) if (cells[s] === 0 && flipsFor(cells, s, player).length > 0) moves.push(s);
  return moves;
}

/** Legal moves of the player to move (empty when that player must pass or the game is over). */
export function legalMoves(state: OthelloState): number[] {
  return legalMovesFor(state.cells, state.next);
}

export function isGameOver(state: OthelloState): boolean {
  return legalMovesFor(state.cells, BLACK).length === 0 && legalMovesFor(state.cells, WHITE).length === 0;
}

export class IllegalMoveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalMoveError';
  }
}

/**
 * Plays `square` for whoever can legally play it. As in Li et al.'s engine, passes are implicit:
 * if the player to move has no flips there but the opponent does, the opponent is taken to have
 * moved after a pass. After the move, `next` is the opponent, or the mover again when the opponent
 * has no legal move (a forced pass).
 */
export function playMove(state: OthelloState, square: number): OthelloState {
  let mover = state.next;
  let flips = flipsFor(state.cells, square, mover);
  if (flips.length === 0) {
    const other = -mover as Player;
    const otherFlips = flipsFor(state.cells, square, other);
    // Only a real pass lets the opponent move: the player to move must have no legal move at all.
    if (otherFlips.length === 0 || legalMovesFor(state.cells, mover).length > 0) {
      throw new IllegalMoveError(`illegal move ${squareLabel(square)} for ${mover === BLACK ? 'black' : 'white'}`);
    }
    mover = other;
    flips = otherFlips;
  }
  const cells = new Int8Array(state.cells);
  cells[square] = mover;
  for (const f of flips) cells[f] = mover;
  const opponent = -mover as Player;
  const next = legalMovesFor(cells, opponent).length > 0 ? opponent : mover;
  return { cells, next };
}

/** Display name: column letter a-h (left to right) + row number 1-8 (top to bottom). */
export function squareLabel(square: number): string {
  if (!Number.isInteger(square) || square < 0 || square > 63) return `#${square}`;
  return 'abcdefgh'[square & 7] + String((square >> 3) + 1);
}

export function countDiscs(cells: Int8Array): { black: number; white: number } {
  let black = 0, white = 0;
  for (const v of cells) { if (v === BLACK) black++; else if (v === WHITE) white++; }
  return { black, white };
}
