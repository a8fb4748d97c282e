// The board shown at each character of a transcript (spec 2.1): the position after the last
// completed half-move, where a move counts as completed at the space that ends it (or at the end of
// the transcript). Also which half-move each character belongs to, for the transcript view.
import { Chess } from 'chess.js';

export interface TranscriptBoards {
  /** FEN after each completed half-move: fens[0] is the start, fens[k] after k half-moves */
  fens: string[];
  /** SAN of each half-move, in order */
  sans: string[];
  /** [characters] number of completed half-moves at each character */
  completed: Int32Array;
  /** [characters] the half-move a character is part of (-1 for ';', move numbers and spaces) */
  moveOf: Int32Array;
}

export function transcriptBoards(text: string): TranscriptBoards {
  const board = new Chess();
  const fens = [board.fen()], sans: string[] = [];
  const completed = new Int32Array(text.length), moveOf = new Int32Array(text.length).fill(-1);
  // tokens between spaces: "1.e4" is a move number then a move, "e5" a move
  const re = /[^ ]+/g;
  let m: RegExpExecArray | null;
  let done = 0; // characters whose "completed" count is set
  while ((m = re.exec(text)) !== null) {
    let at = m.index, tok = m[0];
    if (at === 0 && tok.startsWith(';')) { at++; tok = tok.slice(1); }
    const num = /^\d+\./.exec(tok);
    if (num) { at += num[0].length; tok = tok.slice(num[0].length); }
    for (let i = at; i < at + tok.length; i++) moveOf[i] = sans.length;
    const end = m.index + m[0].length;
    for (; done < end; done++) completed[done] = fens.length - 1;
    if (tok === '') continue;
    try {
      sans.push(board.move(tok).san);
    } catch {
      throw new Error(`"${tok}" is not a legal move after ${sans.length} half-moves`);
    }
    fens.push(board.fen());
  }
  for (; done < text.length; done++) completed[done] = fens.length - 1;
  // a move is completed at the space after it; the transcript's last character shows its last move too
  if (text.length > 0 && sans.length > 0 && !text.endsWith(' ')) completed[text.length - 1] = fens.length - 1;
  return { fens, sans, completed, moveOf };
}

/** The transcript after appending one legal move in SAN (with its move number when White moves). */
export function appendMove(text: string, san: string): string {
  const boards = transcriptBoards(text);
  const board = new Chess(boards.fens[boards.fens.length - 1]);
  const move = board.move(san); // throws on an illegal move
  const ply = boards.sans.length;
  const sep = text === '' || text === ';' ? '' : ' ';
  return (text === '' ? ';' : text) + sep + (ply % 2 === 0 ? `${ply / 2 + 1}.` : '') + move.san;
}

/**
 * The characters that can come next while still writing a legal move, after the first `pos`
 * characters; null where the next characters are a move number (after White's move or at the start).
 */
export function legalNextChars(text: string, pos: number): Set<string> | null {
  const prefix = text.slice(0, pos);
  const start = Math.max(prefix.lastIndexOf(' '), prefix.lastIndexOf(';')) + 1;
  let partial = prefix.slice(start);
  const num = /^\d+\.?/.exec(partial);
  if (num && !num[0].endsWith('.')) return null; // still writing a move number
  if (num) partial = partial.slice(num[0].length);
  const boards = transcriptBoards(prefix.slice(0, start));
  const board = new Chess(boards.fens[boards.fens.length - 1]);
  if (!num && board.turn() === 'w') return null; // White's move starts with its number
  const out = new Set<string>();
  for (const san of board.moves()) {
    if (!san.startsWith(partial)) continue;
    out.add(san.length > partial.length ? san[partial.length] : ' ');
  }
  return out;
}
