import { Chess } from 'chess.js';
import { randomChessGame } from './src/games/chess/generator';
import { mulberry32 } from './src/games/othello/generator';
function fast(rng: () => number, maxChars = 257, bias = 0.5): string {
  const board = new Chess();
  let text = ';';
  for (let ply = 0; text.length < maxChars; ply++) {
    if (board.isDrawByFiftyMoves() || board.isInsufficientMaterial() || board.isThreefoldRepetition()) break;
    const moves = board.moves();
    if (moves.length === 0) break;
    const forcing = moves.filter((s) => s.includes('x') || /[+#]$/.test(s));
    const pool = forcing.length > 0 && rng() < bias ? forcing : moves;
    const san = pool[Math.floor(rng() * pool.length)];
    board.move(san);
    text += (ply === 0 ? '' : ' ') + (ply % 2 === 0 ? `${ply / 2 + 1}.` : '') + san;
  }
  return text;
}
const N = 40;
let t0 = performance.now();
const a = Array.from({ length: N }, (_, i) => randomChessGame(mulberry32(1000 + i), { maxChars: 257, captureBias: 0.5 }));
const t1 = performance.now();
const b = Array.from({ length: N }, (_, i) => fast(mulberry32(1000 + i)));
const t2 = performance.now();
console.log('old ms/game', (t1 - t0) / N, 'new', (t2 - t1) / N, 'same', a.every((x, i) => x === b[i]));
let m = 0; for (let i = 0; i < 400; i++) { const x = randomChessGame(mulberry32(5000 + i), { maxChars: 2000, captureBias: 0.5 }), y = fast(mulberry32(5000 + i), 2000); if (x !== y) m++; }
console.log('long games mismatches', m);
