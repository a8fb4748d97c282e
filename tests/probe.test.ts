// Probe training on the GPU recovers a planted linear map, and the Othello probe labels are right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialState, legalMoveBoard, mineTheirsEmpty, mulberry32, playMove } from '../src/games/othello';
import { randomArray } from '../src/model/random';
import { accuracy, majorityBaseline, probePredict, trainProbe } from '../src/train/probe-trainer';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels } from './helpers/gpu';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

describe('probe labels', () => {
  it('mine / theirs / empty flips with position parity', () => {
    const s1 = playMove(initialState(), 19); // position 0: black just moved
    const a = mineTheirsEmpty(s1, 0);
    expect(a[19]).toBe(2); // black's new disc is "mine" (the player who just moved)
    expect(a[36]).toBe(0); // white's disc is "theirs"
    expect(a[0]).toBe(1);
    const s2 = playMove(s1, 18); // position 1: white just moved
    const b = mineTheirsEmpty(s2, 1);
    expect(b[18]).toBe(2);
    expect(b[19]).toBe(0);
    expect(Array.from(legalMoveBoard(initialState())).reduce((x, y) => x + y, 0)).toBe(4);
  });
});

describe('probe baseline', () => {
  it('predicts each square\'s most common training class at every test position', () => {
    // 3 training positions: square 0 is class 2 twice and class 1 once; every other square class 0 twice, 1 once
    const train = new Uint8Array(3 * 64);
    train[0] = 2; train[64] = 2; train[128] = 1;
    for (let s = 1; s < 64; s++) train[128 + s] = 1;
    const test = new Uint8Array(2 * 64); // position 0 all class 0 except square 0 = 2; position 1 all class 1
    test[0] = 2;
    test.fill(1, 64);
    // right: position 0 on all 64 squares, position 1 on none (square 0 predicts 2, the rest 0)
    expect(majorityBaseline(train, test, 3)).toBe(64 / 128);
  });
});

describe('GPU probe training', () => {
  it('recovers a planted linear 3-class map to >95% held-out accuracy', async () => {
    const rng = mulberry32(3);
    const d = 24, N = 3000, C = 3;
    const Wstar = randomArray(d * 64 * C, 1, rng);
    const X = randomArray(N * d, 1, rng);
    const Y = probePredict({ d, classes: C, W: Wstar, b: new Float32Array(64 * C) }, X, N);
    const train = 2500;
    const probe = await trainProbe(k, X.subarray(0, train * d), Y.subarray(0, train * 64), d, C, { epochs: 30, batch: 250, lr: 0.05, weightDecay: 0, seed: 1 });
    const acc = accuracy(probePredict(probe, X.subarray(train * d), N - train), Y.subarray(train * 64));
    expect(acc).toBeGreaterThan(0.95);
  });
});
