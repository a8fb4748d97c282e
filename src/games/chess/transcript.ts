// Chess transcripts in Karvonen's format (spec 1.3, 2.1): ";1.e4 e5 2.Nf3 ...". Board-state
// properties are scored only at the '.' characters (White to move there), on the board after the
// last completed half-move: at the '.' of "k." that is the position after Black's (k-1)-th move.
// A trailing truncated or illegal move is ignored: the state stays at the last legal position.
import { Chess } from 'chess.js';

export interface ChessPosition {
  /** the board at this position (set up from its FEN: no move history) */
  readonly board: Chess;
  /** character index of the '.' in the transcript */
  readonly char: number;
  /** repetitionKey of every position of the game so far, this one included (draw claims need them) */
  readonly keys: readonly string[];
}

/** What makes positions "the same" for threefold repetition: pieces, turn, castling, en passant. */
export const repetitionKey = (c: Chess): string => c.fen().split(' ').slice(0, 4).join(' ');

/** A position with no earlier history (for tests and single boards). */
export const positionFromFen = (fen: string, char = -1): ChessPosition => {
  const board = new Chess(fen);
  return { board, char, keys: [repetitionKey(board)] };
};

/** Half-moves of a transcript in order (move numbers and the leading ';' removed). */
export function transcriptMoves(transcript: string): string[] {
  return transcript.replace(/^;/, '').split(' ').filter((t) => t !== '').map((t) => t.replace(/^\d+\./, '')).filter((t) => t !== '');
}

/** The evaluated positions: the first `maxDots` '.' characters of the first `maxChars` characters. */
export function chessDotPositions(transcript: string, maxDots = 20, maxChars = 256): ChessPosition[] {
  const text = transcript.slice(0, maxChars);
  const out: ChessPosition[] = [];
  const board = new Chess();
  const keys = [repetitionKey(board)];
  let token = '', legal = true;
  for (let i = 0; i < text.length && out.length < maxDots; i++) {
    const ch = text[i];
    if (ch === '.') {
      // A FEN copy and the keys so far: linear in the game's length (replaying the history for
      // every position made the 200-game atlas quadratic, several seconds in the page).
      out.push({ board: new Chess(board.fen()), char: i, keys: keys.slice() });
      token = '';
    } else if (ch === ' ') {
      if (legal && token !== '') {
        legal = tryMove(board, token);
        if (legal) keys.push(repetitionKey(board));
      }
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

