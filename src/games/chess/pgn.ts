// Ordinary PGN to Karvonen's transcript format (spec 1.3): headers, comments, NAGs, clock
// annotations, variations, results and "..." move numbers are dropped; every move is replayed with
// chess.js and written back in its SAN (x captures, +/#, =Q, O-O), as ";1.e4 e5 2.Nf3 ...".
import { Chess } from 'chess.js';
import { encodeChess } from './tokenizer';

/** A move as typed, quoted for an error: escaped, one line, at most 20 characters. */
const quoteText = (t: string) => JSON.stringify(t.length > 20 ? `${t.slice(0, 20)}…` : t).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export class PgnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgnError';
  }
}

const RESULT = /^(1-0|0-1|1\/2-1\/2|\*)$/;

/**
 * SAN tokens of the main line of a PGN movetext (or a whole PGN with headers). One linear pass
 * (no backtracking regular expressions: a paste of 100,000 brackets or newlines takes milliseconds):
 * header lines, {comments}, ;line comments, $NAGs and (nested) variations are dropped; a result
 * before the last move, or a second game's headers after moves, is an error rather than merged.
 */
export function pgnMoves(pgn: string): string[] {
  let out = '', depth = 0, lineStart = true, sawMove = false, line = 1;
  for (let i = 0; i < pgn.length; i++) {
    const c = pgn[i];
    if (c === '\n') { line++; lineStart = true; out += ' '; continue; }
    if (lineStart && (c === ' ' || c === '\t' || c === '\r')) continue;
    if (lineStart && c === '[' && depth === 0) {
      if (sawMove) throw new PgnError(`a second game's headers start on line ${line}: paste one game at a time`);
      const end = pgn.indexOf('\n', i);
      i = end < 0 ? pgn.length : end - 1;
      continue;
    }
    lineStart = false;
    if (c === '{') {
      const end = pgn.indexOf('}', i);
      if (end < 0) throw new PgnError('unbalanced comment or variation brackets');
      for (let j = i; j < end; j++) if (pgn[j] === '\n') line++;
      i = end;
      out += ' ';
    } else if (c === ';') {
      const end = pgn.indexOf('\n', i);
      i = end < 0 ? pgn.length : end - 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      if (depth === 0) throw new PgnError('unbalanced comment or variation brackets');
      depth--;
      out += ' ';
    } else if (c === '}') {
      throw new PgnError('unbalanced comment or variation brackets');
    } else if (depth === 0) {
      if (c === '$') { while (i + 1 < pgn.length && pgn[i + 1] >= '0' && pgn[i + 1] <= '9') i++; out += ' '; continue; }
      out += c;
      if (c > ' ') sawMove = true;
    }
  }
  if (depth !== 0) throw new PgnError('unbalanced comment or variation brackets');
  const tokens = out.split(/\s+/).map((t) => t.replace(/^\d+\.(\.\.)?/, '').replace(/[!?]+$/, '')).filter((t) => t !== '');
  const result = tokens.findIndex((t) => RESULT.test(t));
  if (result >= 0 && result < tokens.length - 1) throw new PgnError(`the result "${tokens[result]}" comes before the last move: paste one game at a time`);
  return tokens.filter((t) => !RESULT.test(t));
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
      throw new PgnError(`move ${Math.floor(i / 2) + 1}${i % 2 ? '...' : '.'} ${quoteText(san)} is not legal in this position`);
    }
    parts.push(i % 2 === 0 ? `${i / 2 + 1}.${move.san}` : move.san);
  });
  if (parts.length === 0) throw new PgnError('no moves in the PGN');
  const transcript = ';' + parts.join(' ');
  encodeChess(transcript); // every SAN character is in the vocabulary; this guards the claim
  return transcript;
}
