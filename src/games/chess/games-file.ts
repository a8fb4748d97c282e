// A chess games file: either one Karvonen transcript per line (";1.e4 e5 2.Nf3 ..."), or ordinary
// PGN (games separated by blank lines, headers allowed). Every game is replayed with chess.js, so an
// illegal or unreadable game is reported with its line number before any work starts.
import { PgnError, pgnToTranscript } from './pgn';
import { ChessTokenError } from './tokenizer';
import { transcriptMoves } from './transcript';

export class ChessGamesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChessGamesFileError';
  }
}

/** Canonical transcript of one game written as a transcript or as PGN movetext. */
export function chessTranscriptOf(text: string): string {
  const t = text.trim();
  return pgnToTranscript(t.startsWith(';') ? transcriptMoves(t).join(' ') : t);
}

/** PGN blocks: a header block joins the movetext block after it. Line numbers are 1-based. */
function pgnBlocks(lines: string[]): Array<{ text: string; line: number }> {
  const blocks: Array<{ text: string; line: number; headerOnly: boolean }> = [];
  let current: string[] = [], start = 0;
  const flush = () => {
    if (current.length === 0) return;
    const headerOnly = current.every((l) => l.startsWith('['));
    const prev = blocks[blocks.length - 1];
    if (prev?.headerOnly) { prev.text += '\n' + current.join('\n'); prev.headerOnly = headerOnly; } else blocks.push({ text: current.join('\n'), line: start + 1, headerOnly });
    current = [];
  };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (isComment(line)) return;
    if (line === '') { flush(); return; }
    if (current.length === 0) start = i;
    current.push(line);
  });
  flush();
  return blocks;
}

const isComment = (line: string) => line.startsWith('#') || line.startsWith('%');

export function parseChessGamesFile(text: string, maxGames = 1_000_000): string[] {
  const lines = text.split(/\r?\n/);
  const content = lines.map((l) => l.trim()).filter((l) => l !== '' && !isComment(l));
  const oneLineTranscripts = content.length > 0 && content.every((l) => l.startsWith(';'));
  const items = oneLineTranscripts
    ? lines.map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((x) => x.text.startsWith(';'))
    : pgnBlocks(lines);
  if (items.length === 0) throw new ChessGamesFileError('the games file holds no games');
  if (items.length > maxGames) throw new ChessGamesFileError(`more than ${maxGames} games`);
  return items.map(({ text: game, line }) => {
    try {
      return chessTranscriptOf(game);
    } catch (e) {
      if (e instanceof PgnError || e instanceof ChessTokenError) throw new ChessGamesFileError(`games file, game at line ${line}: ${e.message}`);
      throw e;
    }
  });
}
