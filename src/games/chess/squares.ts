// A chess position as 64 signed piece values in python-chess square order (a1 = 0, b1 = 1, ...,
// h8 = 63; row = rank - 1, col = file), K = 6, Q = 5, R = 4, B = 3, N = 2, P = 1, Black negative.
// Plus the attack and pin geometry the board-state properties need (python-chess semantics:
// attacks ignore pins; a piece is pinned when it is the only piece between its king and an enemy
// slider on that line).
import type { Chess, Square } from 'chess.js';

export const KING = 6, QUEEN = 5, ROOK = 4, BISHOP = 3, KNIGHT = 2, PAWN = 1;
const VALUE: Record<string, number> = { k: KING, q: QUEEN, r: ROOK, b: BISHOP, n: KNIGHT, p: PAWN };

export const squareName = (sq: number): Square => ('abcdefgh'[sq & 7] + String((sq >> 3) + 1)) as Square;
export const squareIndex = (name: string): number => (Number(name[1]) - 1) * 8 + 'abcdefgh'.indexOf(name[0]);

export function pieceArray(board: Chess): Int8Array {
  const out = new Int8Array(64);
  board.board().forEach((rank, r) => rank.forEach((p, c) => {
    if (p) out[(7 - r) * 8 + c] = VALUE[p.type] * (p.color === 'w' ? 1 : -1);
  }));
  return out;
}

const ORTHO: ReadonlyArray<readonly [number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1]];
const DIAG: ReadonlyArray<readonly [number, number]> = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
const KNIGHT_STEPS: ReadonlyArray<readonly [number, number]> = [[1, 2], [2, 1], [2, -1], [1, -2], [-1, -2], [-2, -1], [-2, 1], [-1, 2]];
const on = (r: number, c: number) => r >= 0 && r < 8 && c >= 0 && c < 8;

/** Squares attacked by the piece on `sq` (occupied or not), as python-chess's attacks(). */
export function attacks(board: Int8Array, sq: number): number[] {
  const v = board[sq], t = Math.abs(v), r0 = sq >> 3, c0 = sq & 7, out: number[] = [];
  const steps = (list: ReadonlyArray<readonly [number, number]>) => { for (const [dr, dc] of list) if (on(r0 + dr, c0 + dc)) out.push((r0 + dr) * 8 + c0 + dc); };
  const slide = (list: ReadonlyArray<readonly [number, number]>) => {
    for (const [dr, dc] of list) {
      for (let r = r0 + dr, c = c0 + dc; on(r, c); r += dr, c += dc) {
        out.push(r * 8 + c);
        if (board[r * 8 + c] !== 0) break;
      }
    }
  };
  if (t === PAWN) steps(v > 0 ? [[1, -1], [1, 1]] : [[-1, -1], [-1, 1]]);
  else if (t === KNIGHT) steps(KNIGHT_STEPS);
  else if (t === KING) steps([...ORTHO, ...DIAG]);
  else {
    if (t === ROOK || t === QUEEN) slide(ORTHO);
    if (t === BISHOP || t === QUEEN) slide(DIAG);
  }
  return out;
}

/** Whether the piece on `sq` is pinned to its own king. */
export function isPinned(board: Int8Array, sq: number): boolean {
  const v = board[sq];
  if (v === 0 || Math.abs(v) === KING) return false;
  const side = Math.sign(v), king = board.indexOf(KING * side);
  if (king < 0) return false;
  const dr = Math.sign((sq >> 3) - (king >> 3)), dc = Math.sign((sq & 7) - (king & 7));
  const aligned = (sq >> 3) === (king >> 3) || (sq & 7) === (king & 7) || Math.abs((sq >> 3) - (king >> 3)) === Math.abs((sq & 7) - (king & 7));
  if (!aligned) return false;
  // nothing between the king and the piece
  let r = (king >> 3) + dr, c = (king & 7) + dc;
  for (; r * 8 + c !== sq; r += dr, c += dc) if (board[r * 8 + c] !== 0) return false;
  // beyond it, the first piece must be an enemy slider moving along this line
  for (r += dr, c += dc; on(r, c); r += dr, c += dc) {
    const w = board[r * 8 + c];
    if (w === 0) continue;
    if (Math.sign(w) === side) return false;
    const t = Math.abs(w), straight = dr === 0 || dc === 0;
    return t === QUEEN || (straight ? t === ROOK : t === BISHOP);
  }
  return false;
}

/** Destination squares of the pseudo-legal moves (own king's safety ignored) of `side`; castling as chess.js generates it. */
export function pseudoLegalDestinations(chess: Chess, board: Int8Array, side: 1 | -1, legalMoves: ReturnType<Chess['moves']> = chess.moves({ verbose: true })): Set<number> {
  const out = new Set<number>();
  const ep = chess.fen({ forceEnpassantSquare: true }).split(' ')[3];
  const epSq = ep && ep !== '-' ? squareIndex(ep) : -1;
  for (let sq = 0; sq < 64; sq++) {
    const v = board[sq];
    if (Math.sign(v) !== side) continue;
    if (Math.abs(v) === PAWN) {
      const r = sq >> 3, fwd = sq + 8 * side;
      if (fwd >= 0 && fwd < 64 && board[fwd] === 0) {
        out.add(fwd);
        const two = sq + 16 * side;
        if ((side === 1 ? r === 1 : r === 6) && board[two] === 0) out.add(two);
      }
      for (const a of attacks(board, sq)) if (Math.sign(board[a]) === -side || a === epSq) out.add(a);
    } else {
      for (const a of attacks(board, sq)) if (Math.sign(board[a]) !== side) out.add(a);
    }
  }
  for (const m of legalMoves) if (m.flags.includes('k') || m.flags.includes('q')) out.add(squareIndex(m.to));
  return out;
}
