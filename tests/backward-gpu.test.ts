// Each WGSL training kernel against its CPU reference on random shapes (sizes off the workgroup grid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { causalAttention } from '../src/model/cpu-ops';
import { randomArray } from '../src/model/random';
import { adamWStep, causalAttentionBackward, crossEntropy, embeddingBackward, geluBackward, layerNormBackward, matmulBackward } from '../src/train/cpu-backward';
import * as bk from '../src/gpu/backward-kernels';
import { dataBuffer, downloadFloats, emptyBuffer, writeArray } from '../src/gpu/buffers';
import { runSteps, type Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels, maxRelError } from './helpers/gpu';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

const rng = mulberry32(4321);
const rand = (n: number, std = 1) => randomArray(n, std, rng);
const up = (a: Float32Array | Uint32Array) => dataBuffer(ctx.device, a);
const out = (n: number) => emptyBuffer(ctx.device, n * 4);
const read = (b: GPUBuffer, n: number) => downloadFloats(ctx.device, b, n);

describe('matmul gradients (TRANS_A / TRANS_B / ACCUMULATE)', () => {
  for (const [M, K, N] of [[3, 5, 7], [33, 17, 65], [59, 64, 183], [21, 12, 36]]) {
    it(`dA, dB for ${M}x${K} @ ${K}x${N}`, async () => {
      const a = rand(M * K), b = rand(K * N), dC = rand(M * N);
      const want = matmulBackward(a, b, dC, M, K, N);
      const dA = out(M * K), dB = out(K * N), dBias = out(N);
      const bufA = up(a), bufB = up(b), bufDC = up(dC);
      await runSteps(ctx.device, [
        k.matmulEx(bufDC, bufB, dA, M, N, K, { transB: true }), // dA = dC Bᵀ
        k.matmulEx(bufA, bufDC, dB, K, M, N, { transA: true }), // dB = Aᵀ dC
        bk.colsum(k, bufDC, dBias, M, N),
      ]);
      expect(maxRelError(await read(dA, M * K), want.dA)).toBeLessThan(1e-5);
      expect(maxRelError(await read(dB, K * N), want.dB)).toBeLessThan(1e-5);
      expect(maxRelError(await read(dBias, N), want.dBias)).toBeLessThan(1e-5);
      // accumulate adds a second copy
      await runSteps(ctx.device, [k.matmulEx(bufDC, bufB, dA, M, N, K, { transB: true, accumulate: true }), bk.colsum(k, bufDC, dBias, M, N, true)]);
      expect(maxRelError(await read(dA, M * K), want.dA.map((x) => 2 * x))).toBeLessThan(1e-5);
      expect(maxRelError(await read(dBias, N), want.dBias.map((x) => 2 * x))).toBeLessThan(1e-5);
    });
  }
});

describe('gelu_backward', () => {
  for (const exact of [true, false]) {
    it(`${exact ? 'exact' : 'tanh'} form on 1000 values`, async () => {
      const pre = rand(1000, 3), dOut = rand(1000), dPre = out(1000);
      await runSteps(ctx.device, [bk.geluBackward(k, up(pre), up(dOut), dPre, 1000, exact)]);
      expect(maxRelError(await read(dPre, 1000), geluBackward(pre, dOut, exact ? 'exact' : 'tanh'))).toBeLessThan(1e-5);
    });
  }
});

describe('layernorm backward', () => {
  for (const [rows, d, rowPerInvocation] of [[1, 3], [7, 65], [59, 128], [130, 128, true], [130, 128, false], [70, 33, false]] as Array<[number, number, boolean?]>) {
    it(`${rows} rows of ${d}${rowPerInvocation === undefined ? '' : rowPerInvocation ? ' (layernorm_dx_rows)' : ' (layernorm_dx)'}`, async () => {
      const { Kernels } = await import('../src/gpu/kernels');
      const { nodeShaderSource } = await import('../src/gpu/node');
      const kr = rowPerInvocation === undefined ? k : new Kernels(ctx, nodeShaderSource, { rowPerInvocation });
      const x = rand(rows * d, 2), w = rand(d), dY = rand(rows * d);
      const want = layerNormBackward(x, w, dY, rows, d, 1e-5);
      const dX = out(rows * d), stats = out(rows * 2), dW = up(new Float32Array(d)), dB = up(new Float32Array(d));
      const bx = up(x), bdy = up(dY);
      await runSteps(ctx.device, [bk.layerNormDx(kr, bx, up(w), bdy, dX, stats, rows, d, 1e-5), bk.layerNormDwDb(kr, bx, bdy, stats, dW, dB, rows, d)]);
      expect(maxRelError(await read(dX, rows * d), want.dX)).toBeLessThan(1e-4);
      expect(maxRelError(await read(dW, d), want.dW)).toBeLessThan(1e-4);
      expect(maxRelError(await read(dB, d), want.dB)).toBeLessThan(1e-5);
    });
  }
});

describe('attention backward', () => {
  for (const [B, T, H, dh] of [[1, 1, 1, 1], [2, 9, 3, 5], [3, 59, 4, 16], [2, 130, 3, 32], [1, 65, 1, 128]]) {
    it(`B=${B} T=${T} H=${H} dh=${dh}`, async () => {
      const hd = H * dh;
      const qkv = rand(B * T * 3 * hd), dZ = rand(B * T * hd);
      const P = out(B * T * H * T), Z = out(B * T * hd), dS = out(B * T * H * T), dQKV = out(B * T * 3 * hd);
      const bq = up(qkv);
      await runSteps(ctx.device, [...k.attention(bq, P, Z, B, T, H, dh), ...bk.attentionBackward(k, bq, P, up(dZ), dS, dQKV, B, T, H, dh)]);
      const got = await read(dQKV, B * T * 3 * hd);
      for (let b = 0; b < B; b++) {
        const part = (off: number) => {
          const a = new Float32Array(T * hd);
          for (let t = 0; t < T; t++) a.set(qkv.subarray((b * T + t) * 3 * hd + off, (b * T + t) * 3 * hd + off + hd), t * hd);
          return a;
        };
        const [q, kk, v] = [part(0), part(hd), part(2 * hd)];
        const { pattern } = causalAttention(q, kk, v, T, H, dh);
        const want = causalAttentionBackward(q, kk, v, pattern, dZ.subarray(b * T * hd, (b + 1) * T * hd), T, H, dh);
        const gotPart = (off: number) => {
          const a = new Float32Array(T * hd);
          for (let t = 0; t < T; t++) a.set(got.subarray((b * T + t) * 3 * hd + off, (b * T + t) * 3 * hd + off + hd), t * hd);
          return a;
        };
        expect(maxRelError(gotPart(0), want.dQ)).toBeLessThan(1e-4);
        expect(maxRelError(gotPart(hd), want.dK)).toBeLessThan(1e-4);
        expect(maxRelError(gotPart(2 * hd), want.dV)).toBeLessThan(1e-4);
      }
    });
  }
});

describe('embedding backward', () => {
  it('sums gradients per token and per position over a batch', async () => {
    const [B, T, d, V] = [3, 11, 37, 9];
    const tokens = Uint32Array.from({ length: B * T }, () => Math.floor(rng() * V));
    const dResid = rand(B * T * d);
    const dWE = out(V * d), dWpos = out(T * d);
    await runSteps(ctx.device, [bk.embedBackward(k, up(tokens), up(dResid), dWE, dWpos, B * T, T, d, V)]);
    const wantE = new Float32Array(V * d), wantP = new Float32Array(T * d);
    for (let b = 0; b < B; b++) {
      const g = embeddingBackward(tokens.subarray(b * T, (b + 1) * T), dResid.subarray(b * T * d, (b + 1) * T * d), V, T, d);
      g.dWE.forEach((x, i) => { wantE[i] += x; });
      g.dWpos.forEach((x, i) => { wantP[i] += x; });
    }
    expect(maxRelError(await read(dWE, V * d), wantE)).toBeLessThan(1e-5);
    expect(maxRelError(await read(dWpos, T * d), wantP)).toBeLessThan(1e-5);
  });
});

describe('cross_entropy', () => {
  it('loss and gradient with ignored rows', async () => {
    const rows = 70, V = 61;
    const targets = Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? -1 : 1 + Math.floor(rng() * 60)));
    const logits = rand(rows * V, 3);
    const want = crossEntropy(logits, targets, V);
    const dL = out(rows * V), loss = out(rows);
    const t = Uint32Array.from(targets, (x) => (x < 0 ? bk.IGNORE_TARGET : x));
    await runSteps(ctx.device, [bk.crossEntropy(k, up(logits), up(t), dL, loss, rows, V, want.count)]);
    expect(maxRelError(await read(dL, rows * V), want.dLogits)).toBeLessThan(1e-5);
    const perRow = await read(loss, rows);
    expect(Math.abs(perRow.reduce((a, b) => a + b, 0) / want.count - want.loss)).toBeLessThan(1e-4);
  });
});

describe('gelu_forward, gradient norm and clipping', () => {
  it('gelu_forward matches the CPU reference', async () => {
    const { geluInPlace } = await import('../src/model/cpu-ops');
    const x = rand(777, 3), o = out(777);
    await runSteps(ctx.device, [bk.geluForward(k, up(x), o, 777, false)]);
    expect(maxRelError(await read(o, 777), geluInPlace(x.slice(), 'tanh'))).toBeLessThan(1e-5);
  });
  it('clip scale from the global norm of several buffers', async () => {
    const a = rand(1000), b = rand(130);
    const partial = out(2), scale = out(2);
    const norm = Math.sqrt([...a, ...b].reduce((s, x) => s + x * x, 0));
    await runSteps(ctx.device, [bk.sumSquares(k, up(a), partial, 1000, 0), bk.sumSquares(k, up(b), partial, 130, 1), bk.clipScale(k, partial, scale, 2, 1.0)]);
    const [s, n] = await read(scale, 2);
    expect(Math.abs(n - norm) / norm).toBeLessThan(1e-5);
    expect(Math.abs(s - 1 / norm) * norm).toBeLessThan(1e-5);
    await runSteps(ctx.device, [bk.clipScale(k, partial, scale, 2, 1e6)]);
    expect((await read(scale, 1))[0]).toBe(1);
  });
});

describe('adamw', () => {
  it('three steps match the CPU reference, with and without weight decay', async () => {
    const n = 1001;
    const c = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };
    for (const decay of [true, false]) {
      const p0 = rand(n), grads = [rand(n), rand(n), rand(n)];
      const cpuP = p0.slice(), m = new Float32Array(n), v = new Float32Array(n);
      const P = up(p0), M = up(new Float32Array(n)), Vb = up(new Float32Array(n)), G = up(grads[0]);
      const opt = bk.adamW(k, P, G, M, Vb, up(Float32Array.of(1, 0)), n, decay);
      for (let t = 1; t <= 3; t++) {
        adamWStep(cpuP, grads[t - 1], m, v, t, c, decay);
        writeArray(ctx.device, G, grads[t - 1]);
        opt.setStep(t, c);
        await runSteps(ctx.device, [opt.step]);
      }
      expect(maxRelError(await read(P, n), cpuP)).toBeLessThan(1e-5);
    }
  });
});
