// Chess training data and the greedy next-move legality measure, against hand-built cases and an
// "oracle" that always writes a legal move.
import { Chess } from 'chess.js';
import { describe, expect, it } from 'vitest';
import { CHESS_VOCAB_SIZE, decodeChess, encodeChess } from '../src/games/chess/tokenizer';
import { chessEvalGames, chessTrainingBatch, chessTranscriptsToBatch } from '../src/train/chess-data';
import { chessLegality, isLegalSan, moveBoundaries, sampleBoundaries } from '../src/train/chess-eval';
import { IGNORE } from '../src/train/data';

describe('chess training data', () => {
  it('batches transcripts as characters with next-character targets', () => {
    const b = chessTranscriptsToBatch([';1.e4 e5', ';1.d4'], 6);
    expect(decodeChess(Array.from(b.tokens.subarray(0, 6)))).toBe(';1.e4 ');
    expect(decodeChess(Array.from(b.targets.subarray(0, 6)))).toBe('1.e4 e');
    expect(Array.from(b.targets.subarray(6, 12)).slice(4)).toEqual([IGNORE, IGNORE]);
    expect(b.count).toBe(6 + 4);
  });

  it('is seeded, fills the context and keeps evaluation games apart from training games', () => {
    const a = chessTrainingBatch(7, 3, 4, 64), b = chessTrainingBatch(7, 3, 4, 64);
    expect(a.tokens).toEqual(b.tokens);
    expect(a.count).toBeGreaterThan(4 * 60);
    const ev = chessEvalGames(1, 4, 64);
    for (const g of ev) expect(g.length).toBeGreaterThanOrEqual(64);
    expect(ev.map((g) => encodeChess(g.slice(0, 64)).join())).not.toContain(decodeChess(Array.from(a.tokens.subarray(0, 64))));
  });
});

describe('greedy next-move legality', () => {
  it('finds the move boundaries and the board at each', () => {
    const bs = moveBoundaries(';1.e4 e5 2.Nf3 Nc6', 256);
    expect(bs.map((b) => b.prefix)).toEqual([';1.', ';1.e4 ', ';1.e4 e5 2.', ';1.e4 e5 2.Nf3 ']);
    expect(bs[3].fen).toBe(new Chess('rnbqkbnr/pppp1ppp/8/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R b KQkq - 1 2').fen());
    expect(moveBoundaries(';1.e4 e5 2.Nf3 Nc6', 12).map((b) => b.prefix)).toEqual([';1.']); // room for the move
  });

  it('checks strict SAN on the position', () => {
    const start = new Chess().fen();
    expect(isLegalSan(start, 'e4')).toBe(true);
    expect(isLegalSan(start, 'e5')).toBe(false);
    expect(isLegalSan(start, 'Nf3')).toBe(true);
    expect(isLegalSan(start, 'Ng1f3')).toBe(false); // over-disambiguated: not strict SAN
    expect(isLegalSan(start, '')).toBe(false);
  });

  it('scores an oracle that always writes a legal move at 100% and a constant writer lower', async () => {
    const games = chessEvalGames(3, 12, 128);
    const boundaries = sampleBoundaries(games, 128, 5);
    expect(boundaries.length).toBe(12);
    const byPrefix = new Map(boundaries.map((b) => [b.prefix, new Chess(b.fen).moves()[0] + ' ']));
    const V = CHESS_VOCAB_SIZE;
    const oracle = async (batch: number[][]) => batch.map((seq) => {
      const text = decodeChess(seq);
      const prefix = [...byPrefix.keys()].filter((p) => text.startsWith(p)).sort((a, b) => b.length - a.length)[0]; // the longest: ';1.' starts every game
      const next = byPrefix.get(prefix)![text.length - prefix.length];
      const logits = new Float32Array(seq.length * V);
      logits[(seq.length - 1) * V + encodeChess(next)[0]] = 1;
      return logits;
    });
    const r = await chessLegality(boundaries, oracle, V, 128);
    expect(r.rate).toBe(1);
    const constant = async (batch: number[][]) => batch.map((seq) => {
      const logits = new Float32Array(seq.length * V);
      logits[(seq.length - 1) * V + encodeChess(seq.length % 2 ? 'e' : '4')[0]] = 1;
      return logits;
    });
    expect((await chessLegality(boundaries, constant, V, 128)).rate).toBeLessThan(1);
  });
});
