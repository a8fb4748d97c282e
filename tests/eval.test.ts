import { describe, expect, it } from 'vitest';
import { legalMoves } from '../src/games/othello/board';
import { replay } from '../src/games/othello/notation';
import { squareToToken } from '../src/games/othello/tokenizer';
import { evalGames, gamesToBatch, IGNORE, trainingBatch, trainingSeed, evalSeed } from '../src/train/data';
import { evaluateLegalMoves } from '../src/train/eval';
import { learningRate } from '../src/train/schedule';

describe('training data', () => {
  it('is deterministic, and evaluation seeds never collide with training seeds', () => {
    expect(trainingBatch(1, 5, 4, 59)).toEqual(trainingBatch(1, 5, 4, 59));
    expect(trainingBatch(1, 5, 4, 59).tokens).not.toEqual(trainingBatch(1, 6, 4, 59).tokens);
    for (let i = 0; i < 1000; i++) {
      expect(trainingSeed(1, i, 3) & 0x80000000).toBe(0);
      expect(evalSeed(12345, i) & 0x80000000).not.toBe(0);
    }
  });
  it('shifts targets by one and ignores positions past a game\'s end', () => {
    const b = gamesToBatch([[19, 18, 17]], 59);
    expect(Array.from(b.tokens.subarray(0, 4))).toEqual([20, 19, 18, 0]);
    expect(Array.from(b.targets.subarray(0, 3))).toEqual([19, 18, IGNORE]);
    expect(b.count).toBe(2);
  });
});

describe('legal-move evaluation', () => {
  const games = evalGames(7, 6);
  const V = 61;
  it('scores an oracle that spreads its mass over the legal moves as perfect', async () => {
    const oracle = async (batch: number[][]) => batch.map((tokens, b) => {
      const states = replay(games[b].slice(0, 60));
      const logits = new Float32Array(tokens.length * V).fill(-30);
      tokens.forEach((_, i) => { for (const sq of legalMoves(states[i + 1])) logits[i * V + squareToToken(sq)] = 0; });
      return logits;
    });
    const m = await evaluateLegalMoves(games, 59, V, oracle);
    expect(m.legalTop1).toBe(1);
    expect(m.legalMass).toBeGreaterThan(0.9999);
    expect(m.positions).toBeGreaterThan(300);
  });
  it('scores uniform predictions at the legal fraction', async () => {
    const m = await evaluateLegalMoves(games, 59, V, async (batch) => batch.map((t) => new Float32Array(t.length * V)));
    expect(m.legalTop1).toBe(0); // argmax of a flat row is token 0, never legal
    expect(m.legalMass).toBeGreaterThan(0.05);
    expect(m.legalMass).toBeLessThan(0.2);
    expect(m.loss).toBeCloseTo(Math.log(61), 4);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly then decays by cosine to the floor', () => {
    const s = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, minRatio: 0.1 };
    expect(learningRate(s, 0)).toBeCloseTo(1e-4);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3);
    expect(learningRate(s, 60)).toBeCloseTo(0.55e-3);
    expect(learningRate(s, 110)).toBeCloseTo(1e-4);
  });
});

describe('p-annealing schedule', () => {
  it('follows spec 4.3: arm at the first update, then rescale the coefficient at each switch', async () => {
    const { PAnnealSchedule } = await import('../src/train/p-anneal');
    const s = new PAnnealSchedule(0.1, 36621);
    s.advance(9999);
    expect([s.p, s.pNext]).toEqual([1, 1]);
    s.observe(2, 4);
    s.advance(10000); // first update: p stays 1, p_next armed
    expect(s.p).toBe(1);
    expect(s.pNext).toBeCloseTo(1 - 0.8 / 9, 6);
    expect(s.coef).toBe(0.1);
    s.advance(12957); // second: coef *= mean(S_p) / mean(S_pNext), p switches
    expect(s.p).toBeCloseTo(1 - 0.8 / 9, 6);
    expect(s.coef).toBeCloseTo(0.05, 6);
    for (let t = 12958; t < 36621; t++) s.advance(t);
    expect(s.p).toBeCloseTo(0.289, 3); // the 10th update falls on step 36621, never reached
  });
});
