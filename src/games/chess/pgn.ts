// Ordinary PGN to Karvonen's transcript format (spec 1.3): headers, comments, NAGs, clock
// annotations, variations, results and "..." move numbers are dropped; every move is replayed with
// chess.js and written back in its SAN (x captures, +/#, =Q, O-O), as ";1.e4 e5 2.Nf3 ...".
import { Chess } from 'chess.js';
import { encodeChess } from './tokenizer';

export class PgnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgnError';
  }
}

/** SAN tokens of the main line of a PGN movetext (or a whole PGN with headers). */
export function pgnMoves(pgn: string): string[] {
  let text = pgn.replace(/^\s*\[[^\]\n]*\]\s*$/gm, ' ') // header lines
    .replace(/\{[^}]*\}/g, ' ') // comments, clocks
    .replace(/;[^\n]*/g, ' ') // rest-of-line comments
    .replace(/\$\d+/g, ' '); // NAGs
  // variations, possibly nested
  for (let prev = ''; prev !== text;) { prev = text; text = text.replace(/\([^()]*\)/g, ' '); }
  if (/[{}()]/.test(text)) throw new PgnError('unbalanced comment or variation brackets');
  return text.split(/\s+/)
    .map((t) => t.replace(/^\d+\.(\.\.)?/, '').replace(/[!?]+$/, ''))
    .filter((t) => t !== '' && !/^(1-0|0-1|1\/2-1\/2|\*)$/.test(t));
}

/** The transcript of a PGN; throws a PgnError naming the first illegal or unreadable move. */
export function pgnToTranscript(pgn: string): string {
  const board = new Chess();
  const parts: string[] = [];
  pgnMoves(pgn).forEach((san, i) => {
    let move;
    try {
      move = board.move(san.replace(/0-0-0/g, 'O-O-O').replace(/0-0/g, 'O-O'));
    } catch {
      throw new PgnError(`move ${Math.floor(i / 2) + 1}${i % 2 ? '...' : '.'} "${san}" is not legal in this position`);
    }
    parts.push(i % 2 === 0 ? `${i / 2 + 1}.${move.san}` : move.san);
  });
  if (parts.length === 0) throw new PgnError('no moves in the PGN');
  const transcript = ';' + parts.join(' ');
  encodeChess(transcript); // every SAN character is in the vocabulary; this guards the claim
  return transcript;
}
