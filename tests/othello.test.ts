import { describe, expect, it } from 'vitest';
import {
  BLACK, WHITE, legalMovesFor, countDiscs, decodeTokens, encodeSquares, formatTranscript, IllegalMoveError, initialState,
  isGameOver, legalMoves, NotationError, parseSquare, parseTranscript, playMove, randomGame, randomGames, replay,
  squareLabel, squareToToken, STOI_INDICES, tokenToSquare, tokenVectorToBoard, mulberry32,
} from '../src/games/othello';

describe('Othello rules', () => {
  it('starts with four discs and black to move with four legal moves', () => {
    const s = initialState();
    expect(countDiscs(s.cells)).toEqual({ black: 2, white: 2 });
    expect(s.next).toBe(BLACK);
    // d3, c4, f5, e6 in column-row notation = squares 19, 26, 37, 44
    expect(legalMoves(s)).toEqual([19, 26, 37, 44]);
  });

  it('flips along every line a move closes', () => {
    const s = playMove(initialState(), 19); // black d3 flips d4
    expect(s.cells[19]).toBe(BLACK);
    expect(s.cells[27]).toBe(BLACK);
    expect(s.next).toBe(WHITE);
    expect(countDiscs(s.cells)).toEqual({ black: 4, white: 1 });
  });

  it('rejects an illegal move with a clear error', () => {
    expect(() => playMove(initialState(), 0)).toThrow(IllegalMoveError);
    expect(() => playMove(initialState(), 0)).toThrow(/illegal move a1 for black/);
  });

  it('handles a forced pass: the same player moves again', () => {
    // Hand-built: white to move has no legal move, black has one.
    const cells = new Int8Array(64);
    cells[0] = BLACK; cells[1] = WHITE; // black can play c1 (square 2) to flip b1; white has no move
    const s = { cells, next: BLACK as 1 };
    expect(legalMoves(s)).toEqual([2]);
    const after = playMove(s, 2);
    expect(after.cells[1]).toBe(BLACK);
    expect(isGameOver(after)).toBe(true);
  });

  it('generates seeded random legal games that replay, and the same seed gives the same games', () => {
    const games = randomGames(42, 50);
    expect(randomGames(42, 50)).toEqual(games);
    expect(randomGames(43, 50)).not.toEqual(games);
    let passes = 0;
    for (const g of games) {
      expect(g.length).toBeGreaterThan(8);
      const states = replay(g);
      expect(states.length).toBe(g.length + 1);
      const last = states[states.length - 1];
      if (g.length < 60) expect(isGameOver(last)).toBe(true);
      for (let i = 1; i < states.length; i++) {
        if (states[i].next !== states[i - 1].next || isGameOver(states[i])) continue;
        passes++; // the opponent of the mover had no legal move, so the mover goes again
        expect(legalMovesFor(states[i].cells, -states[i].next as 1 | -1)).toEqual([]);
      }
    }
    expect(passes).toBeGreaterThan(0); // 50 random games include forced passes
  });

  it('randomGame respects maxMoves', () => {
    expect(randomGame(mulberry32(1), 10).length).toBe(10);
  });
});

describe('Othello notation', () => {
  it('names squares column a-h then row 1-8 from the top', () => {
    expect(squareLabel(0)).toBe('a1');
    expect(squareLabel(7)).toBe('h1');
    expect(squareLabel(19)).toBe('d3');
    expect(squareLabel(63)).toBe('h8');
    for (let s = 0; s < 64; s++) expect(parseSquare(squareLabel(s))).toBe(s);
  });

  it('parses transcripts with spaces, commas, no separators and "pass"', () => {
    expect(parseTranscript('d3 c5 f6')).toEqual([19, 34, 45]);
    expect(parseTranscript('d3,c5, F6')).toEqual([19, 34, 45]);
    expect(parseTranscript('d3c5f6')).toEqual([19, 34, 45]);
    expect(parseTranscript('d3 pass c5')).toEqual([19, 34]);
    expect(parseTranscript('  ')).toEqual([]);
    expect(formatTranscript([19, 34, 45])).toBe('d3 c5 f6');
  });

  it('reports malformed transcripts and illegal moves with the move number', () => {
    expect(() => parseTranscript('d3 z9')).toThrow(NotationError);
    expect(() => parseTranscript('d3 c5 i1')).toThrow(/move 3/);
    expect(() => replay(parseTranscript('d3 a1'))).toThrow(/move 2: illegal move a1/);
  });
});

describe("Li et al.'s 61-token vocabulary", () => {
  it('skips the four centre squares', () => {
    expect(STOI_INDICES.length).toBe(60);
    for (const c of [27, 28, 35, 36]) {
      expect(STOI_INDICES).not.toContain(c);
      expect(() => squareToToken(c)).toThrow(/centre/);
    }
    expect(() => tokenToSquare(0)).toThrow(/1..60/);
    expect(() => tokenToSquare(61)).toThrow();
  });

  it("matches the spec's test vector", () => {
    const tokens = [20, 21, 34, 19, 13, 40, 47, 28, 12, 41, 35, 5, 10];
    const squares = [19, 20, 37, 18, 12, 43, 50, 29, 11, 44, 38, 4, 9];
    expect(decodeTokens(tokens)).toEqual(squares);
    expect(encodeSquares(squares)).toEqual(tokens);
  });

  it('follows t = s+1 / s-1 / s-3 and round-trips', () => {
    for (const s of STOI_INDICES) {
      const t = squareToToken(s);
      expect(t).toBe(s <= 26 ? s + 1 : s <= 34 ? s - 1 : s - 3);
      expect(tokenToSquare(t)).toBe(s);
    }
  });

  it('scatters a 61-vector onto the board, centre squares empty', () => {
    const v = Array.from({ length: 61 }, (_, t) => t);
    const board = tokenVectorToBoard(v);
    expect(board[0]).toBe(1);
    expect(board[63]).toBe(60);
    expect(Number.isNaN(board[27])).toBe(true);
  });
});

describe('a pasted game: moves or token ids', () => {
  it('reads both, and refuses a token outside 1..60', async () => {
    const { parseMovesOrTokens } = await import('../src/games/othello/games-file');
    const { encodeSquares } = await import('../src/games/othello/tokenizer');
    const moves = parseMovesOrTokens('d3 c5 f6');
    expect(parseMovesOrTokens(encodeSquares(moves).join(', '))).toEqual(moves);
    expect(() => parseMovesOrTokens('20,61')).toThrow(/61/);
  });
});
