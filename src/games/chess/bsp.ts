// Chess board-state properties: the 23 functions of the paper's configuration (spec 2.2), scored
// at '.' characters, where White is to move. Square entries use python-chess order (row = rank - 1,
// col = file); "side to move" functions use chess.js for the rules.
import { Chess } from 'chess.js';
import type { BspFamily } from '../../metrics/bsp';
import { attacks, BISHOP, isPinned, KING, KNIGHT, PAWN, pieceArray, pseudoLegalDestinations, QUEEN, ROOK, squareIndex, squareName } from './squares';
import { repetitionKey, type ChessPosition } from './transcript';

const INITIAL = pieceArray(new Chess());
const side = (p: ChessPosition): 1 | -1 => (p.board.turn() === 'w' ? 1 : -1);
const flag = (id: string, name: string, test: (p: ChessPosition) => boolean): BspFamily<ChessPosition> =>
  ({ id, name, rows: 1, classes: 1, positives: (p, out) => { if (test(p)) out.push(0); } });
const squares = (id: string, name: string, set: (p: ChessPosition) => Iterable<number>): BspFamily<ChessPosition> =>
  ({ id, name, rows: 8, classes: 1, positives: (p, out) => { out.push(...[...new Set(set(p))].sort((a, b) => a - b)); } });

function pieceFamily(id: string, name: string, maskInitial: boolean, masked?: number): BspFamily<ChessPosition> {
  return {
    id, name, rows: 8, classes: 13, maskedClass: masked, oneHot: maskInitial ? undefined : { exclude: 6, base: 'piece' },
    positives(p, out) {
      const b = pieceArray(p.board);
      for (let sq = 0; sq < 64; sq++) {
        // the paper's main set treats a piece still on its starting square as empty
        const v = maskInitial && b[sq] !== 0 && b[sq] === INITIAL[sq] ? 0 : b[sq];
        if (v + 6 !== masked) out.push(sq * 13 + v + 6);
      }
    },
  };
}

/** Legal moves of the side to move, verbose; five families ask for them, so each position's list is kept. */
const legalCache = new WeakMap<ChessPosition, ReturnType<Chess['moves']>>();
const legal = (p: ChessPosition) => {
  let moves = legalCache.get(p);
  if (!moves) legalCache.set(p, (moves = p.board.moves({ verbose: true })));
  return moves;
};

function canClaimDraw(p: ChessPosition): boolean {
  const fields = p.board.fen().split(' ');
  const clock = Number(fields[4]);
  const moves = legal(p);
  if (clock >= 100) return true;
  if (clock >= 99 && moves.some((m) => m.piece !== 'p' && !m.captured)) return true;
  // threefold: the position (pieces, turn, castling, legal en passant) seen 3 times, now or after a move
  const seen = new Map<string, number>();
  for (const k of p.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  if ((seen.get(repetitionKey(p.board)) ?? 0) >= 3) return true;
  if (![...seen.values()].some((n) => n >= 2)) return false; // no move can make any position's third time
  return moves.some((m) => {
    p.board.move(m.san);
    const k = repetitionKey(p.board);
    p.board.undo();
    return (seen.get(k) ?? 0) + 1 >= 3;
  });
}

/** Unpinned attackers of one type and the enemy pieces of each target type they attack, summed over attackers. */
function forkCounts(p: ChessPosition, attacker: number, targets: number[]): number[] {
  const b = pieceArray(p.board), s = side(p);
  const counts = targets.map(() => 0);
  for (let sq = 0; sq < 64; sq++) {
    if (b[sq] !== attacker * s || isPinned(b, sq)) continue;
    for (const a of attacks(b, sq)) targets.forEach((t, i) => { if (b[a] === -t * s) counts[i]++; });
  }
  return counts;
}

function hasConnectedRooks(p: ChessPosition): boolean {
  const b = pieceArray(p.board), s = side(p);
  const rooks = [...b.keys()].filter((sq) => b[sq] === ROOK * s);
  for (let i = 0; i < rooks.length; i++) for (let j = i + 1; j < rooks.length; j++) {
    const [a, c] = [rooks[i], rooks[j]];
    if ((a >> 3) !== (c >> 3) && (a & 7) !== (c & 7)) continue;
    const step = (a >> 3) === (c >> 3) ? 1 : 8;
    let clear = true;
    for (let x = a + step; x < c; x += step) if (b[x] !== 0) clear = false;
    if (clear) return true;
  }
  return false;
}

function hasAmbiguousMoves(p: ChessPosition): boolean {
  // two or more pieces of one type (pawns excluded: their SAN always names the file) reaching one square
  const from = new Map<string, Set<string>>();
  for (const m of legal(p)) {
    if (m.piece === 'p') continue;
    const k = m.piece + m.to;
    from.set(k, (from.get(k) ?? new Set()).add(m.from));
  }
  return [...from.values()].some((s) => s.size >= 2);
}

const count = (p: ChessPosition, piece: number) => pieceArray(p.board).filter((v) => v === piece * side(p)).length;

export const CHESS_BSP_FAMILIES: readonly BspFamily<ChessPosition>[] = [
  pieceFamily('piece', 'board_to_piece_state', false),
  pieceFamily('piece-masked-blank', 'board_to_piece_masked_blank_state', false, 6),
  pieceFamily('piece-masked-blank-and-initial', 'board_to_piece_masked_blank_and_initial_state', true, 6),
  {
    id: 'piece-color', name: 'board_to_piece_color_state', rows: 8, classes: 3, oneHot: { exclude: 1 },
    positives: (p, out) => { pieceArray(p.board).forEach((v, sq) => out.push(sq * 3 + Math.sign(v) + 1)); },
  },
  flag('pin', 'board_to_pin_state', (p) => { const b = pieceArray(p.board); return b.some((_, sq) => isPinned(b, sq)); }),
  squares('threat', 'board_to_threat_state', (p) => [...Array(64).keys()].filter((sq) => p.board.isAttacked(squareName(sq), 'b'))),
  flag('check', 'board_to_check_state', (p) => p.board.inCheck()),
  squares('legal-moves', 'board_to_legal_moves_state', (p) => legal(p).map((m) => squareIndex(m.to))),
  flag('specific-fork', 'board_to_specific_fork', (p) => forkCounts(p, KNIGHT, [ROOK, QUEEN, KING]).reduce((a, b) => a + b, 0) >= 2),
  flag('any-fork', 'board_to_any_fork', (p) => ([[PAWN, [KNIGHT, BISHOP, ROOK, QUEEN, KING]], [KNIGHT, [ROOK, QUEEN, KING]], [BISHOP, [ROOK, QUEEN, KING]], [ROOK, [QUEEN, KING]]] as const)
    .some(([a, t]) => forkCounts(p, a, [...t]).some((n) => n >= 2))),
  flag('castling-rights', 'board_to_has_castling_rights', (p) => { const r = p.board.getCastlingRights(p.board.turn()); return r.k || r.q; }),
  flag('queenside-castling-rights', 'board_to_has_queenside_castling_rights', (p) => p.board.getCastlingRights(p.board.turn()).q),
  flag('kingside-castling-rights', 'board_to_has_kingside_castling_rights', (p) => p.board.getCastlingRights(p.board.turn()).k),
  flag('legal-en-passant', 'board_to_has_legal_en_passant', (p) => legal(p).some((m) => m.flags.includes('e'))),
  squares('pseudo-legal-moves', 'board_to_pseudo_legal_moves_state', (p) => pseudoLegalDestinations(p.board, pieceArray(p.board), side(p), legal(p))),
  flag('can-claim-draw', 'board_to_can_claim_draw', canClaimDraw),
  flag('can-check-next', 'board_to_can_check_next', (p) => legal(p).some((m) => /[+#]$/.test(m.san))),
  flag('bishop-pair', 'board_to_has_bishop_pair', (p) => count(p, BISHOP) >= 2),
  // spec 2.2: the implementation mirrors the board (which also swaps the turn), so it asks whether the side to move can mate in one
  flag('mate-threat', 'board_to_has_mate_threat', (p) => legal(p).some((m) => m.san.endsWith('#'))),
  flag('can-capture-queen', 'board_to_can_capture_queen', (p) => legal(p).some((m) => m.captured === 'q')),
  flag('has-queen', 'board_to_has_queen', (p) => count(p, QUEEN) >= 1),
  flag('connected-rooks', 'board_to_has_connected_rooks', hasConnectedRooks),
  flag('ambiguous-moves', 'board_to_ambiguous_moves', hasAmbiguousMoves),
];

/** The paper's chess groupings: the board set and the 14 "strategy" functions averaged with equal weight. */
/**
 * Not one of the paper's families: "the square holds a piece, of either colour or kind", which the
 * page's labels need so that a feature for occupied squares is not named after one piece. `metrics`
 * does not score it.
 */
export const CHESS_OCCUPIED: BspFamily<ChessPosition> = {
  id: 'any-piece', name: 'any piece (workbench labels; not in the paper)', rows: 8, classes: 1,
  positives(p, out) { pieceArray(p.board).forEach((v, sq) => { if (v !== 0) out.push(sq); }); },
};

export const CHESS_BOARD_SET = 'piece-masked-blank-and-initial';
export const CHESS_STRATEGY_SET = ['threat', 'legal-moves', 'check', 'can-check-next', 'has-queen', 'can-capture-queen', 'bishop-pair',
  'castling-rights', 'kingside-castling-rights', 'queenside-castling-rights', 'any-fork', 'pin', 'legal-en-passant', 'ambiguous-moves'];
