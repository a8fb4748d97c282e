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
  for (let ply = 0; text.length < maxChars && !board.isGameOver(); ply++) {
    const moves = board.moves({ verbose: true });
    const forcing = moves.filter((m) => m.captured || /[+#]$/.test(m.san));
    const pool = forcing.length > 0 && rng() < bias ? forcing : moves;
    const m = pool[Math.floor(rng() * pool.length)];
    board.move(m.san);
    text += (ply === 0 ? '' : ' ') + (ply % 2 === 0 ? `${ply / 2 + 1}.` : '') + m.san;
  }
  encodeChess(text); // SAN only uses vocabulary characters; guard it
  return text;
}
