// Seeded chess games for training a default chess model: at every half-move the mover picks, with
// probability `captureBias`, uniformly among captures (checks and mates count as captures' peers:
// any forcing move), else uniformly among all legal moves. Games run until they end or their
// transcript reaches `maxChars` characters (the model's context), so plausible, varied, legal games.
import { Chess } from 'chess.js';
import { encodeChess } from './tokenizer';

export interface ChessGameOptions {
  maxChars?: number;
  captureBias?: number;
}

export function randomChessGame(rng: () => number, o: ChessGameOptions = {}): string {
  const maxChars = o.maxChars ?? 256, bias = o.captureBias ?? 0.5;
  const board = new Chess();
  let text = ';';
  // Plain SAN lists instead of verbose moves: chess.js builds every verbose Move with a fresh
  // legal-move generation and two FENs, which made generation 8x slower (the same games come out).
  // An empty move list is mate or stalemate, so only the other draw rules are asked for.
  for (let ply = 0; text.length < maxChars; ply++) {
    if (board.isDrawByFiftyMoves() || board.isInsufficientMaterial() || board.isThreefoldRepetition()) break;
    const moves = board.moves();
    if (moves.length === 0) break;
    const forcing = moves.filter((san) => san.includes('x') || /[+#]$/.test(san)); // SAN marks every capture with x
    const pool = forcing.length > 0 && rng() < bias ? forcing : moves;
    const san = pool[Math.floor(rng() * pool.length)];
    board.move(san);
    text += (ply === 0 ? '' : ' ') + (ply % 2 === 0 ? `${ply / 2 + 1}.` : '') + san;
  }
  encodeChess(text); // SAN only uses vocabulary characters; guard it
  return text;
}
