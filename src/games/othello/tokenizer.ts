// Li et al.'s 61-token Othello vocabulary (spec 1.2): token 0 is padding / "pass" (never a legal
// target); tokens 1..60 are the 60 non-centre squares in ascending order. The centre squares
// 27, 28, 35, 36 start occupied and are never tokens.

export const OTHELLO_VOCAB_SIZE = 61;
export const OTHELLO_PAD_TOKEN = 0;
/** Li et al.'s model sees the first 59 moves of a 60-move game. */
export const OTHELLO_CONTEXT = 59;

const CENTRE = new Set([27, 28, 35, 36]);

/** stoi_indices: token t (1..60) → square STOI_INDICES[t - 1]. */
export const STOI_INDICES: readonly number[] = Array.from({ length: 64 }, (_, s) => s).filter((s) => !CENTRE.has(s));

const SQUARE_TO_TOKEN = new Int16Array(64).fill(-1);
STOI_INDICES.forEach((s, i) => { SQUARE_TO_TOKEN[s] = i + 1; });

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export function tokenToSquare(token: number): number {
  if (!Number.isInteger(token) || token < 1 || token > 60) {
    throw new TokenError(`token ${token} is not a move token (Othello move tokens are 1..60)`);
  }
  return STOI_INDICES[token - 1];
}

export function squareToToken(square: number): number {
  const t = Number.isInteger(square) && square >= 0 && square < 64 ? SQUARE_TO_TOKEN[square] : -1;
  if (t < 0) throw new TokenError(`square ${square} has no token (centre squares 27, 28, 35, 36 are never played)`);
  return t;
}

export const encodeSquares = (squares: readonly number[]): number[] => squares.map(squareToToken);
export const decodeTokens = (tokens: readonly number[]): number[] => tokens.map(tokenToSquare);

/** Scatters a 61-entry vector over tokens onto the 64 squares (centre squares get NaN). */
export function tokenVectorToBoard(values: ArrayLike<number>): Float32Array {
  const board = new Float32Array(64).fill(NaN);
  for (let t = 1; t <= 60; t++) board[STOI_INDICES[t - 1]] = values[t];
  return board;
}
