// Next-move quality of an Othello model on fresh games: how often the top-1 prediction is a legal
// move, and the mean probability mass on legal moves. Position i (input = the first i+1 moves)
// predicts move i+2; positions after which the game is over are skipped.
import { legalMoves } from '../games/othello/board';
import { replay } from '../games/othello/notation';
import { encodeSquares, squareToToken } from '../games/othello/tokenizer';
import { softmaxRows } from '../model/cpu-forward';

export interface LegalMoveMetrics {
  games: number;
  positions: number;
  /** fraction of positions whose argmax token is a legal move */
  legalTop1: number;
  /** mean softmax mass on the legal moves */
  legalMass: number;
  /** mean cross-entropy of the move actually played next */
  loss: number;
}

export type LogitsFn = (batch: number[][]) => Promise<Float32Array[]>;

export async function evaluateLegalMoves(games: number[][], nCtx: number, V: number, logitsFor: LogitsFn, batchSize = 32): Promise<LegalMoveMetrics> {
  let positions = 0, top1 = 0, mass = 0, loss = 0;
  for (let start = 0; start < games.length; start += batchSize) {
    const chunk = games.slice(start, start + batchSize);
    const inputs = chunk.map((g) => encodeSquares(g.slice(0, nCtx)));
    const logits = await logitsFor(inputs);
    chunk.forEach((game, b) => {
      const states = replay(game.slice(0, nCtx + 1));
      const probs = softmaxRows(logits[b], V);
      for (let i = 0; i < inputs[b].length; i++) {
        const legal = legalMoves(states[i + 1]).map(squareToToken);
        if (legal.length === 0) continue;
        const p = probs.subarray(i * V, (i + 1) * V);
        let best = 0;
        for (let t = 1; t < V; t++) if (p[t] > p[best]) best = t;
        positions++;
        if (legal.includes(best)) top1++;
        mass += legal.reduce((s, t) => s + p[t], 0);
        if (i + 1 < game.length) loss -= Math.log(Math.max(1e-30, p[squareToToken(game[i + 1])]));
      }
    });
  }
  return { games: games.length, positions, legalTop1: top1 / positions, legalMass: mass / positions, loss: loss / positions };
}
