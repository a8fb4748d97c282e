// A games file: one Othello game per line, either as token ids ("20 19 18 ...", 1..60) or as moves
// ("d3 c5 f6 ..."). Blank lines and lines starting with # are skipped. Every game is replayed, so an
// illegal or unreadable game is reported with its line number before any work starts.
import { IllegalMoveError } from './board';
import { NotationError, parseTranscript, replay } from './notation';
import { decodeTokens, TokenError } from './tokenizer';

export class GamesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GamesFileError';
  }
}

export function parseOthelloGamesFile(text: string, maxGames = 1_000_000): number[][] {
  const games: number[][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (games.length >= maxGames) throw new GamesFileError(`more than ${maxGames} games`);
    try {
      const squares = parseMovesOrTokens(line);
      if (squares.length === 0) throw new GamesFileError('no moves');
      if (squares.length > 60) throw new GamesFileError(`${squares.length} moves (a game has at most 60)`);
      replay(squares);
      games.push(squares);
    } catch (e) {
      if (e instanceof GamesFileError || e instanceof TokenError || e instanceof NotationError || e instanceof IllegalMoveError) {
        throw new GamesFileError(`games file line ${i + 1}: ${e.message}`);
      }
      throw e;
    }
  });
  if (games.length === 0) throw new GamesFileError('the games file holds no games');
  return games;
}

/** A game written as moves ("d3 c5 f6") or as Li et al.'s token ids ("20,21,34"; 1..60). */
export function parseMovesOrTokens(text: string): number[] {
  return /^[\d\s,]+$/.test(text.trim()) && text.trim() !== '' ? decodeTokens(text.split(/[\s,]+/).filter((p) => p !== '').map(Number)) : parseTranscript(text);
}
