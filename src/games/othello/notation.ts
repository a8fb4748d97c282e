// Othello move notation. Convention (documented in the README): a square is written as its column
// letter a-h (left to right) followed by its row number 1-8 (top to bottom), so square 0 = "a1",
// square 7 = "h1", square 63 = "h8", and square s = 8*row + col. This differs from Li et al.'s own
// labels (row letter + column digit); convert only at the edges.
import { IllegalMoveError, initialState, playMove, squareLabel, type OthelloState } from './board';

export { squareLabel };

export class NotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotationError';
  }
}

export function parseSquare(label: string): number {
  const m = /^([a-hA-H])([1-8])$/.exec(label.trim());
  if (!m) throw new NotationError(`"${label}" is not a square (expected a column a-h and a row 1-8, e.g. "d3")`);
  return (Number(m[2]) - 1) * 8 + (m[1].toLowerCase().charCodeAt(0) - 97);
}

/**
 * Parses a transcript such as "d3 c5 f6", "d3,c5,f6" or "d3c5f6" into squares. Passes are not
 * written (the engine infers them); the literal word "pass" is accepted and skipped.
 */
export function parseTranscript(text: string): number[] {
  const cleaned = text.trim().replace(/\bpass\b/gi, ' ');
  if (cleaned === '') return [];
  const squares: number[] = [];
  // `\s*(?:,\s*)?`, not `\s*,?\s*`: two adjacent \s* backtrack quadratically on a long run of spaces.
  const re = /\s*(?:,\s*)?([a-zA-Z])([0-9])/y;
  let pos = 0;
  while (pos < cleaned.length) {
    re.lastIndex = pos;
    const m = re.exec(cleaned);
    if (!m) {
      const rest = cleaned.slice(pos).trim();
      if (rest === '' || rest === ',') break;
      throw new NotationError(`cannot read a move at ${JSON.stringify(rest.slice(0, 12))} (move ${squares.length + 1})`);
    }
    try {
      squares.push(parseSquare(m[1] + m[2]));
    } catch (e) {
      throw new NotationError(`move ${squares.length + 1}: ${(e as Error).message}`);
    }
    pos = re.lastIndex;
  }
  return squares;
}

export function formatTranscript(squares: readonly number[]): string {
  return squares.map(squareLabel).join(' ');
}

/** Replays squares from the initial position, returning every state (index 0 = before any move). */
export function replay(squares: readonly number[]): OthelloState[] {
  const states = [initialState()];
  squares.forEach((sq, i) => {
    try {
      states.push(playMove(states[states.length - 1], sq));
    } catch (e) {
      if (e instanceof IllegalMoveError) throw new IllegalMoveError(`move ${i + 1}: ${e.message}`);
      throw e;
    }
  });
  return states;
}
