// Chess board-state properties (spec 2.1, 2.2) on hand-checked positions: dot positions of a
// transcript, castling, en passant, pins, promotion, checks, forks, draw claims.
import { Chess } from 'chess.js';
import { describe, expect, it } from 'vitest';
import { CHESS_BSP_FAMILIES } from '../src/games/chess/bsp';
import { chessDotPositions, positionFromFen, type ChessPosition } from '../src/games/chess/transcript';

const fam = (id: string) => CHESS_BSP_FAMILIES.find((f) => f.id === id)!;
const pos = (id: string, p: ChessPosition) => { const out: number[] = []; fam(id).positives(p, out); return out; };
const holds = (id: string, p: ChessPosition) => pos(id, p).length === 1;
const dots = (t: string) => chessDotPositions(t);
const last = (t: string) => { const d = dots(t); return d[d.length - 1]; };
const fen = (f: string): ChessPosition => positionFromFen(f);

const after = (...sans: string[]) => { const c = new Chess(); sans.forEach((m) => c.move(m)); return c.fen(); };

describe('dot positions', () => {
  it('each "." sees the board after the previous completed half-move, White to move', () => {
    const d = dots(';1.e4 e5 2.Nf3 Nc6 3.Bb5 a6');
    expect(d.map((p) => p.char)).toEqual([2, 10, 20]);
    expect(d[0].board.fen()).toBe(new Chess().fen());
    expect(d[1].board.fen()).toBe(after('e4', 'e5'));
    expect(d[2].board.fen()).toBe(after('e4', 'e5', 'Nf3', 'Nc6'));
    expect(d.map((p) => p.keys.length)).toEqual([1, 3, 5]); // every position so far, for repetition
    expect(d.every((p) => p.board.turn() === 'w')).toBe(true);
  });

  it('an illegal or truncated move leaves the state at the last legal position; at most 20 dots', () => {
    expect(dots(';1.e4 e5 2.Ke3 Nc6 3.')[2].board.fen()).toBe(after('e4', 'e5'));
    const long = ';' + Array.from({ length: 30 }, (_, i) => `${i + 1}.${i % 2 ? 'Ng1 Ng8' : 'Nf3 Nf6'}`).join(' ');
    expect(chessDotPositions(long, 20, 10_000).length).toBe(20);
  });
});

describe('piece families', () => {
  const start = dots(';1.e4')[0];
  it('piece state uses python-chess squares: a1 white rook = class 10, e8 black king = class 0', () => {
    const p = pos('piece', start);
    expect(p.length).toBe(64);
    expect(p).toContain(0 * 13 + 10);
    expect(p).toContain(60 * 13 + 0);
    expect(p).toContain(28 * 13 + 6); // e4 empty
    expect(pos('piece-masked-blank', start).length).toBe(32);
    expect(pos('piece-color', start)).toContain(8 * 3 + 2);
  });
  it('the main set drops pieces on their starting squares, keeps moved ones and promotions', () => {
    expect(pos('piece-masked-blank-and-initial', start)).toEqual([]);
    expect(pos('piece-masked-blank-and-initial', last(';1.e4 e5 2.'))).toEqual([28 * 13 + 7, 36 * 13 + 5]);
    const promoted = last(';1.h4 g5 2.hxg5 h6 3.gxh6 Nf6 4.h7 Ng8 5.hxg8=Q Rh7 6.');
    expect(pos('piece-masked-blank-and-initial', promoted)).toContain(62 * 13 + 11); // white queen on g8
    expect(pos('piece', promoted).filter((e) => e % 13 === 11).length).toBe(2);
  });
});

describe('strategy properties', () => {
  it('castling rights follow king and rook moves', () => {
    expect(holds('castling-rights', dots(';1.e4')[0])).toBe(true);
    expect(holds('castling-rights', last(';1.e4 e5 2.Ke2 Ke7 3.'))).toBe(false);
    const rook = last(';1.h4 a5 2.Rh2 a4 3.');
    expect([holds('kingside-castling-rights', rook), holds('queenside-castling-rights', rook)]).toEqual([false, true]);
  });

  it('en passant: legal after a double step next to a pawn, and its square is a pseudo-legal destination', () => {
    const p = last(';1.e4 a6 2.e5 d5 3.');
    expect(holds('legal-en-passant', p)).toBe(true);
    expect(pos('pseudo-legal-moves', p)).toContain(43); // d6
    expect(holds('legal-en-passant', last(';1.e4 a6 2.e5 a5 3.'))).toBe(false);
  });

  it('pins: Bb4 pins the c3 pawn to e1; legal moves exclude pinned moves, pseudo-legal ones include them', () => {
    const p = last(';1.d4 e5 2.c3 Bb4 3.');
    expect(holds('pin', p)).toBe(true);
    expect(holds('pin', dots(';1.e4')[0])).toBe(false);
    const pinnedKnight = fen('4k3/8/8/b7/8/2N5/8/4K3 w - - 0 1');
    expect(pos('legal-moves', pinnedKnight)).not.toContain(35); // Nc3-d5 is illegal
    expect(pos('pseudo-legal-moves', pinnedKnight)).toContain(35);
    expect(holds('pin', pinnedKnight)).toBe(true);
  });

  it('start position: 16 legal destinations on ranks 3-4, Black threatens rank 6 and not rank 3', () => {
    const s = dots(';1.e4')[0];
    expect(pos('legal-moves', s)).toEqual([...Array(16).keys()].map((i) => 16 + i));
    const threat = pos('threat', s);
    for (let sq = 40; sq < 48; sq++) expect(threat).toContain(sq);
    for (let sq = 16; sq < 24; sq++) expect(threat).not.toContain(sq);
    expect(holds('bishop-pair', s)).toBe(true);
    expect(holds('has-queen', s)).toBe(true);
  });

  it('check, mate in one and checking moves', () => {
    expect(holds('check', last(';1.e4 e5 2.f4 Qh4+ 3.'))).toBe(true);
    const scholar = last(';1.e4 e5 2.Bc4 Nc6 3.Qh5 Nf6 4.');
    expect(holds('mate-threat', scholar)).toBe(true);
    expect(holds('can-check-next', scholar)).toBe(true);
    expect(holds('mate-threat', dots(';1.e4')[0])).toBe(false);
    expect(holds('can-capture-queen', fen('4k3/8/8/8/8/8/3q4/4K3 w - - 0 1'))).toBe(true);
  });

  it('forks: knight attacks on R/Q/K are summed over knights; any-fork counts each target type separately', () => {
    const nf = fen('3k4/1r3q2/3N4/8/8/8/8/4K3 w - - 0 1'); // Nd6 hits Rb7 and Qf7
    expect([holds('specific-fork', nf), holds('any-fork', nf)]).toEqual([true, false]);
    const pawn = fen('4k3/8/2n1n3/3P4/8/8/8/4K3 w - - 0 1'); // d5 hits two knights
    expect([holds('specific-fork', pawn), holds('any-fork', pawn)]).toEqual([false, true]);
    const pinned = fen('3rk3/8/2n1n3/3P4/8/8/8/3K4 w - - 0 1'); // the d5 pawn is pinned by Rd8 to Kd1
    expect(holds('any-fork', pinned)).toBe(false);
  });

  it('connected rooks and ambiguous moves', () => {
    expect(holds('connected-rooks', fen('4k3/8/8/8/8/8/8/RR2K3 w - - 0 1'))).toBe(true);
    expect(holds('connected-rooks', fen('4k3/8/8/8/8/8/8/R3K2R w - - 0 1'))).toBe(false);
    expect(holds('ambiguous-moves', fen('4k3/8/8/8/8/8/8/R4RK1 w - - 0 1'))).toBe(true);
    expect(holds('ambiguous-moves', dots(';1.e4')[0])).toBe(false);
  });

  it('threefold repetition can be claimed once the position has occurred three times', () => {
    const d = dots(';1.Nf3 Nf6 2.Ng1 Ng8 3.Nf3 Nf6 4.Ng1 Ng8 5.');
    expect(d.map((p) => holds('can-claim-draw', p))).toEqual([false, false, false, false, true]);
  });

  it('threefold repetition can be claimed when a move would make the third occurrence', () => {
    // After 1.Nf3 and 3.Nf3 the same position (Black to move) stood twice; at 5. White's Nf3 makes it three.
    const d = dots(';1.Nf3 Nc6 2.Ng5 Nb8 3.Nf3 Nc6 4.Ng5 Nb8 5.');
    expect(d.map((p) => holds('can-claim-draw', p))).toEqual([false, false, false, false, true]);
  });

  it('every family has the paper\'s shape', () => {
    expect(CHESS_BSP_FAMILIES.length).toBe(23);
    expect(CHESS_BSP_FAMILIES.map((f) => `${f.rows}x${f.classes}`).filter((s) => s === '8x13').length).toBe(3);
  });
});

describe('chess through the metrics suite', () => {
  it('activations are read at the dot characters: a feature that is the castling-rights flag there has coverage 1', async () => {
    const { supervisedMetrics } = await import('../src/metrics/suite');
    const games = [';1.e4 e5 2.Ke2 Ke7 3.Ke1 Ke8 4.Nf3 Nf6 5.', ';1.e4 e5 2.Nf3 Nc6 3.Bc4 Bc5 4.O-O Nf6 5.', ';1.d4 d5 2.Kd2 Kd7 3.Kd3 Kd6 4.'];
    const train = [...games, ...games, ...games, ...games], test = games;
    const source = {
      features: 2,
      async encode(gs: string[]) {
        const n = gs.reduce((s, g) => s + g.length, 0), acts = new Float32Array(n * 2);
        let o = 0;
        for (const g of gs) {
          for (const p of chessDotPositions(g)) {
            const r = p.board.getCastlingRights('w');
            acts[(o + p.char) * 2] = r.k || r.q ? 1 : 0;
          }
          for (let i = 0; i < g.length; i++) acts[(o + i) * 2 + 1] = g[i] === ' ' ? 0.5 : 0; // a feature that never fires on a dot
          o += g.length;
        }
        return { acts, n, lengths: gs.map((g) => g.length) };
      },
    };
    const r = await supervisedMetrics(source, (g: string) => {
      const positions = chessDotPositions(g);
      return { rows: positions.map((p) => p.char), positions };
    }, [fam('castling-rights'), fam('check')], train, test);
    expect(r.test_positions).toBe(14);
    expect(r.families[0].coverage.coverage).toBeCloseTo(1, 6);
    expect(r.families[0].reconstruction.board_reconstruction).toBeCloseTo(1, 6);
    expect(r.families[1].coverage.coverage).toBe(0);
  });
});
