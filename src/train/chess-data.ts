// Chess training and evaluation data: seeded generated games (random / forcing-move mix, see
// games/chess/generator.ts) as Karvonen-style transcripts, one character per token. Inputs are the
// first T characters, targets the characters 1..T. Seeds come from the same disjoint training /
// evaluation ranges as Othello's (data.ts).
import { randomChessGame } from '../games/chess/generator';
import { encodeChess } from '../games/chess/tokenizer';
import { mulberry32 } from '../games/othello/generator';
import { evalSeed, IGNORE, trainingSeed, type TokenBatch } from './data';

export const CHESS_CAPTURE_BIAS = 0.5;

/** Games as transcripts long enough to fill T + 1 characters (or ending earlier). */
export function chessGame(seed: number, T: number): string {
  return randomChessGame(mulberry32(seed), { maxChars: T + 1, captureBias: CHESS_CAPTURE_BIAS });
}

export function chessTranscriptsToBatch(transcripts: string[], T: number): TokenBatch {
  const B = transcripts.length;
  const tokens = new Uint32Array(B * T), targets = new Uint32Array(B * T).fill(IGNORE);
  let count = 0;
  const games = transcripts.map((text, b) => {
    const ids = encodeChess(text.slice(0, T + 1));
    for (let t = 0; t < T; t++) {
      if (t < ids.length) tokens[b * T + t] = ids[t];
      if (t + 1 < ids.length) { targets[b * T + t] = ids[t + 1]; count++; }
    }
    return ids;
  });
  return { B, T, tokens, targets, count, games };
}

export function chessTrainingBatch(runSeed: number, step: number, B: number, T: number, first = 0): TokenBatch {
  return chessTranscriptsToBatch(Array.from({ length: B }, (_, i) => chessGame(trainingSeed(runSeed, step, first + i), T)), T);
}

export function chessEvalGames(setSeed: number, count: number, T: number): string[] {
  return Array.from({ length: count }, (_, i) => chessGame(evalSeed(setSeed, i), T));
}
