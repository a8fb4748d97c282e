// Chess transcripts in Karvonen's format (spec 1.3, 2.1): ";1.e4 e5 2.Nf3 ...". Board-state
// properties are scored only at the '.' characters (White to move there), on the board after the
// last completed half-move: at the '.' of "k." that is the position after Black's (k-1)-th move.
// A trailing truncated or illegal move is ignored: the state stays at the last legal position.
import { Chess } from 'chess.js';

export interface ChessPosition {
  /** the game up to this position (with its history, which draw claims need) */
  readonly board: Chess;
  /** character index of the '.' in the transcript */
  readonly char: number;
}

/** Half-moves of a transcript in order (move numbers and the leading ';' removed). */
export function transcriptMoves(transcript: string): string[] {
  return transcript.replace(/^;/, '').split(' ').filter((t) => t !== '').map((t) => t.replace(/^\d+\./, '')).filter((t) => t !== '');
}

/** The evaluated positions: the first `maxDots` '.' characters of the first `maxChars` characters. */
export function chessDotPositions(transcript: string, maxDots = 20, maxChars = 256): ChessPosition[] {
  const text = transcript.slice(0, maxChars);
  const out: ChessPosition[] = [];
  const board = new Chess();
  let token = '', legal = true;
  for (let i = 0; i < text.length && out.length < maxDots; i++) {
    const ch = text[i];
    if (ch === '.') {
      out.push({ board: copy(board), char: i });
      token = '';
    } else if (ch === ' ') {
      if (legal && token !== '') legal = tryMove(board, token);
      token = '';
    } else if (ch !== ';') {
      token += ch;
    }
  }
  return out;
}

function tryMove(board: Chess, san: string): boolean {
  try {
    board.move(san);
    return true;
  } catch {
    return false;
  }
}

/** An independent copy with the same history (replayed from the start). */
function copy(board: Chess): Chess {
  const c = new Chess();
  for (const m of board.history()) c.move(m);
  return c;
}
