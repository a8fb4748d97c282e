// CPU reference backward passes against central finite differences of L = Σ out ⊙ R.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { causalAttention, geluInPlace, layerNorm, matmul } from '../src/model/cpu-ops';
import { randomArray } from '../src/model/random';
import { adamWStep, causalAttentionBackward, crossEntropy, embeddingBackward, geluBackward, layerNormBackward, matmulBackward } from '../src/train/cpu-backward';

const rng = mulberry32(77);
const rand = (n: number, std = 1) => randomArray(n, std, rng);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/** Checks analytic d L / d x against central differences at up to 24 entries of x. */
function checkGrad(x: Float32Array, analytic: Float32Array, loss: () => number, h = 1e-2, tol = 2e-2) {
  const scale = Math.max(1e-3, ...Array.from(analytic, Math.abs));
  const idx = Array.from({ length: Math.min(24, x.length) }, (_, i) => (x.length <= 24 ? i : Math.floor(rng() * x.length)));
  for (const i of idx) {
    const old = x[i];
    x[i] = old + h; const up = loss();
    x[i] = old - h; const down = loss();
    x[i] = old;
    const numeric = (up - down) / (2 * h);
    expect(Math.abs(numeric - analytic[i]) / scale, `entry ${i}: numeric ${numeric} analytic ${analytic[i]}`).toBeLessThan(tol);
  }
}

describe('backward references vs finite differences', () => {
  it('matmul', () => {
    const [M, K, N] = [5, 7, 3];
    const a = rand(M * K), b = rand(K * N), bias = rand(N), R = rand(M * N);
    const g = matmulBackward(a, b, R, M, K, N);
    const L = () => dot(matmul(a, b, M, K, N, bias), R);
    checkGrad(a, g.dA, L); checkGrad(b, g.dB, L); checkGrad(bias, g.dBias, L);
  });

  for (const form of ['exact', 'tanh'] as const) {
    it(`GELU (${form})`, () => {
      const x = rand(40, 2), R = rand(40);
      checkGrad(x, geluBackward(x, R, form), () => dot(geluInPlace(x.slice(), form), R), 1e-3);
    });
  }

  it('LayerNorm', () => {
    const [rows, d] = [4, 9];
    const x = rand(rows * d, 2), w = rand(d), b = rand(d), R = rand(rows * d);
    const g = layerNormBackward(x, w, R, rows, d, 1e-5);
    const L = () => dot(layerNorm(x, rows, d, w, b, 1e-5), R);
    checkGrad(x, g.dX, L); checkGrad(w, g.dW, L); checkGrad(b, g.dB, L);
  });

  it('causal attention', () => {
    const [T, H, dh] = [6, 2, 4];
    const q = rand(T * H * dh), k = rand(T * H * dh), v = rand(T * H * dh), R = rand(T * H * dh);
    const { pattern } = causalAttention(q, k, v, T, H, dh);
    const g = causalAttentionBackward(q, k, v, pattern, R, T, H, dh);
    const L = () => dot(causalAttention(q, k, v, T, H, dh).z, R);
    checkGrad(q, g.dQ, L); checkGrad(k, g.dK, L); checkGrad(v, g.dV, L);
  });

  it('embedding', () => {
    const [V, nCtx, d] = [5, 6, 3];
    const tokens = [1, 4, 1, 0];
    const R = rand(tokens.length * d);
    const g = embeddingBackward(tokens, R, V, nCtx, d);
    expect(g.dWE[1 * d]).toBeCloseTo(R[0] + R[2 * d], 6);
    expect(g.dWE[2 * d]).toBe(0);
    expect(g.dWpos[3 * d + 2]).toBeCloseTo(R[3 * d + 2], 6);
    expect(g.dWpos[4 * d]).toBe(0);
  });

  it('cross-entropy with ignored targets', () => {
    const V = 6, targets = [2, -1, 5, 0];
    const logits = rand(targets.length * V, 2);
    const { dLogits, count, loss } = crossEntropy(logits, targets, V);
    expect(count).toBe(3);
    expect(loss).toBeGreaterThan(0);
    checkGrad(logits, dLogits, () => crossEntropy(logits, targets, V).loss, 1e-3);
    expect(Array.from(dLogits.subarray(V, 2 * V))).toEqual(new Array(V).fill(0));
  });
});

describe('AdamW', () => {
  it('matches a hand-computed first step and decays weights', () => {
    const p = Float32Array.of(1, -2), g = Float32Array.of(0.5, -0.1), m = new Float32Array(2), v = new Float32Array(2);
    const c = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    adamWStep(p, g, m, v, 1, c);
    // step 1: m̂ = g, v̂ = g², so the update is lr * sign(g) (up to eps); decay first: p *= 1 - lr*wd
    expect(p[0]).toBeCloseTo(1 * (1 - 0.001) - 0.1, 6);
    expect(p[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.1, 6);
  });
});
