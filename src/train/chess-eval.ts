// Greedy next-move legality of a chess model (issue 6's quality measure): at a move boundary of a
// fresh game (right after "N." for White, or after the space that follows White's move for Black),
// the model writes characters greedily until a space; the move counts as legal when chess.js plays
// it as strict SAN on the board of the prefix.
import { Chess } from 'chess.js';
import { decodeChess, encodeChess } from '../games/chess/tokenizer';
import { transcriptMoves } from '../games/chess/transcript';
import { mulberry32 } from '../games/othello/generator';

export interface MoveBoundary {
  /** transcript up to the boundary, e.g. ";1.e4 e5 2." */
  prefix: string;
  /** the board after the prefix's moves */
  fen: string;
}

/** Every move boundary of a transcript that leaves at least `room` characters of context. */
export function moveBoundaries(transcript: string, nCtx: number, room = 8): MoveBoundary[] {
  const out: MoveBoundary[] = [];
  const board = new Chess();
  for (let i = 1; i < transcript.length; i++) {
    const ch = transcript[i], prev = transcript[i - 1];
    const white = prev === '.';
    const black = prev === ' ' && !/\d/.test(ch);
    if (!white && !black) continue;
    if (i + room > nCtx) break;
    const prefix = transcript.slice(0, i);
    board.reset();
    for (const san of transcriptMoves(prefix)) board.move(san);
    out.push({ prefix, fen: board.fen() });
  }
  return out;
}

/** Picks `count` boundaries, one per game, seeded. */
export function sampleBoundaries(transcripts: string[], nCtx: number, seed: number): MoveBoundary[] {
  const rng = mulberry32(seed);
  return transcripts.flatMap((t) => {
    const all = moveBoundaries(t, nCtx);
    return all.length ? [all[Math.floor(rng() * all.length)]] : [];
  });
}

export type NextCharLogits = (batch: number[][]) => Promise<Float32Array[]>;

/** Greedy decoding for a batch of prefixes; `logits` returns [T, V] logits for each sequence. */
export async function greedyMoves(prefixes: string[], logits: NextCharLogits, V: number, nCtx: number, maxLen = 8): Promise<string[]> {
  const seqs = prefixes.map((p) => encodeChess(p));
  const done = prefixes.map(() => false), out = prefixes.map(() => '');
  const space = encodeChess(' ')[0];
  for (let k = 0; k < maxLen && done.some((d) => !d); k++) {
    const live = seqs.map((_, i) => i).filter((i) => !done[i] && seqs[i].length < nCtx);
    if (live.length === 0) break;
    const res = await logits(live.map((i) => seqs[i]));
    live.forEach((i, j) => {
      const T = seqs[i].length, row = res[j].subarray((T - 1) * V, T * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
      if (best === space) { done[i] = true; return; }
      seqs[i].push(best);
      out[i] += decodeChess([best]);
    });
  }
  return out;
}

export function isLegalSan(fen: string, san: string): boolean {
  // chess.js reads "--" as a null move, which is no legal chess move.
  if (san === '' || san.replace(/=/, '').replace(/[+#]?[?!]*$/, '') === '--') return false;
  try {
    new Chess(fen).move(san, { strict: true });
    return true;
  } catch {
    return false;
  }
}

export interface ChessLegality { positions: number; legal: number; rate: number; examples: Array<{ prefix: string; move: string; legal: boolean }> }

export async function chessLegality(boundaries: MoveBoundary[], logits: NextCharLogits, V: number, nCtx: number, batch = 16): Promise<ChessLegality> {
  // Batches of similar prefix lengths: a forward pass pads to its longest sequence.
  const order = boundaries.map((_, i) => i).sort((a, b) => boundaries[a].prefix.length - boundaries[b].prefix.length);
  const moves = new Array<string>(boundaries.length);
  for (let s = 0; s < order.length; s += batch) {
    const part = order.slice(s, s + batch);
    const got = await greedyMoves(part.map((i) => boundaries[i].prefix), logits, V, nCtx);
    part.forEach((i, j) => { moves[i] = got[j]; });
  }
  const legal = boundaries.map((b, i) => isLegalSan(b.fen, moves[i]));
  const count = legal.filter(Boolean).length;
  const examples = boundaries.slice(0, 10).map((b, i) => ({ prefix: b.prefix.slice(-24), move: moves[i], legal: legal[i] }));
  return { positions: boundaries.length, legal: count, rate: boundaries.length ? count / boundaries.length : 0, examples };
}
