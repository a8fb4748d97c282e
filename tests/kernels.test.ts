// Each WGSL kernel against its CPU reference on random shapes, including sizes that are not
// multiples of the workgroup size (llm.c style).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { randomArray } from '../src/model/random';
import { add, causalAttention, geluInPlace, layerNorm, matmul } from '../src/model/cpu-ops';
import { dataBuffer, downloadFloats, emptyBuffer } from '../src/gpu/buffers';
import { ACT, runSteps, type Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { gpuKernels, maxRelError } from './helpers/gpu';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

const rng = mulberry32(1234);
const rand = (n: number, std = 1) => randomArray(n, std, rng);
const up = (a: Float32Array | Uint32Array) => dataBuffer(ctx.device, a);
const out = (n: number) => emptyBuffer(ctx.device, n * 4);
const read = (b: GPUBuffer, n: number) => downloadFloats(ctx.device, b, n);

describe('matmul.wgsl', () => {
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [33, 17, 65], [59, 64, 183], [130, 97, 61], [64, 128, 32], [37, 19, 36]];
  for (const [M, K, N] of shapes) {
    for (const [name, act] of Object.entries(ACT)) {
      it(`${M}x${K} @ ${K}x${N} with ${name}`, async () => {
        const a = rand(M * K), b = rand(K * N, 0.3), bias = rand(N);
        const C = out(M * N);
        await runSteps(ctx.device, [k.matmul(up(a), up(b), up(bias), C, M, K, N, act)]);
        let want = matmul(a, b, M, K, N, bias);
        if (act === ACT.geluExact) want = geluInPlace(want, 'exact');
        if (act === ACT.geluTanh) want = geluInPlace(want, 'tanh');
        expect(maxRelError(await read(C, M * N), want)).toBeLessThan(1e-5);
      });
    }
  }
  it('handles other workgroup widths', async () => {
    const { Kernels } = await import('../src/gpu/kernels');
    const { nodeShaderSource } = await import('../src/gpu/node');
    const k2 = new Kernels(ctx, nodeShaderSource, { matmulLanes: 8 });
    const [M, K, N] = [45, 30, 77];
    const a = rand(M * K), b = rand(K * N), bias = rand(N);
    const C = out(M * N);
    await runSteps(ctx.device, [k2.matmul(up(a), up(b), up(bias), C, M, K, N)]);
    expect(maxRelError(await read(C, M * N), matmul(a, b, M, K, N, bias))).toBeLessThan(1e-5);
  });
});

describe('matmul.wgsl and matmul_subgroup.wgsl', () => {
  // Both variants on every layout the trainer uses, with K and M off the subgroup and row grids.
  const layouts = [{}, { transA: true }, { transB: true }, { transA: true, transB: true, accumulate: true }] as const;
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [37, 5, 36], [59, 17, 65], [130, 97, 64]];
  it('the subgroup variant is the default on CPU adapters that expose subgroups', () => {
    expect(k.subgroupMatmul).toBe(ctx.subgroups !== undefined && ctx.cpuAdapter === true && ctx.subgroups.maxSize <= k.matmulLanes);
  });
  for (const subgroupMatmul of [false, true]) {
    it(`${subgroupMatmul ? 'matmul_subgroup' : 'matmul'}: every layout agrees with the CPU`, async (test) => {
      if (subgroupMatmul && !ctx.subgroups) test.skip();
      const kv = await kernelsWith({ subgroupMatmul });
      for (const [M, K, N] of shapes) {
        for (const o of layouts) {
          const a = rand(M * K), b = rand(K * N, 0.3), bias = rand(N), prior = rand(M * N);
          // stored layouts: A [K, M] when transposed, B [N, K] when transposed
          const aStored = 'transA' in o ? transpose(a, M, K) : a;
          const bStored = 'transB' in o ? transpose(b, K, N) : b;
          const C = up(prior);
          await runSteps(ctx.device, [kv.matmulEx(up(aStored), up(bStored), C, M, K, N, { ...o, bias: up(bias), act: ACT.geluTanh })]);
          let want = geluInPlace(matmul(a, b, M, K, N, bias), 'tanh');
          if ('accumulate' in o) want = add(want, prior);
          expect(maxRelError(await read(C, M * N), want), `${M}x${K}x${N} ${JSON.stringify(o)}`).toBeLessThan(1e-5);
        }
      }
    });
  }
});

/** The suite's kernels, or a second instance with other options (one layout forced, say). */
async function kernelsWith(options: import('../src/gpu/kernels').KernelOptions): Promise<Kernels> {
  if (Object.values(options).every((v) => v === undefined)) return k;
  const { Kernels } = await import('../src/gpu/kernels');
  const { nodeShaderSource } = await import('../src/gpu/node');
  return new Kernels(ctx, nodeShaderSource, options);
}

/** [rows, cols] row-major to [cols, rows] row-major. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

describe('layernorm.wgsl', () => {
  for (const [rows, d, rowPerInvocation] of [[1, 1], [7, 13], [59, 128], [100, 512], [3, 65], [130, 128, true], [130, 128, false], [70, 33, false]] as Array<[number, number, boolean?]>) {
    it(`${rows} rows of ${d}${rowPerInvocation === undefined ? '' : rowPerInvocation ? ' (main_rows)' : ' (main)'}`, async () => {
      const k = await kernelsWith({ rowPerInvocation });
      const x = rand(rows * d, 3), w = rand(d), b = rand(d);
      for (let i = 0; i < rows * d; i++) x[i] += 5; // a large mean checks the two-pass variance
      const Y = out(rows * d);
      await runSteps(ctx.device, [k.layerNorm(up(x), up(w), up(b), Y, rows, d, 1e-5)]);
      expect(maxRelError(await read(Y, rows * d), layerNorm(x, rows, d, w, b, 1e-5))).toBeLessThan(1e-5);
    });
  }
});

describe('attention.wgsl', () => {
  for (const [B, T, H, dh] of [[1, 1, 1, 1], [1, 5, 2, 3], [3, 17, 4, 8], [2, 59, 8, 16], [1, 33, 3, 20], [2, 130, 2, 32], [1, 70, 1, 128]]) {
    it(`B=${B} T=${T} H=${H} dh=${dh}`, async () => {
      const hd = H * dh;
      const qkv = rand(B * T * 3 * hd);
      const P = out(B * T * H * T), Z = out(B * T * hd);
      await runSteps(ctx.device, k.attention(up(qkv), P, Z, B, T, H, dh));
      const gotZ = await read(Z, B * T * hd), gotP = await read(P, B * T * H * T);
      for (let b = 0; b < B; b++) {
        const q = new Float32Array(T * hd), kk = new Float32Array(T * hd), v = new Float32Array(T * hd);
        for (let t = 0; t < T; t++) {
          const row = qkv.subarray((b * T + t) * 3 * hd, (b * T + t + 1) * 3 * hd);
          q.set(row.subarray(0, hd), t * hd); kk.set(row.subarray(hd, 2 * hd), t * hd); v.set(row.subarray(2 * hd), t * hd);
        }
        const ref = causalAttention(q, kk, v, T, H, dh);
        expect(maxRelError(gotZ.subarray(b * T * hd, (b + 1) * T * hd), ref.z)).toBeLessThan(1e-5);
        expect(maxRelError(gotP.subarray(b * T * H * T, (b + 1) * T * H * T), ref.pattern)).toBeLessThan(1e-5);
      }
    });
  }
});

describe('elementwise.wgsl', () => {
  it('embed gathers token and position rows for a batch', async () => {
    const [B, T, d, V] = [3, 11, 37, 9];
    const WE = rand(V * d), Wpos = rand(T * d);
    const tokens = Uint32Array.from({ length: B * T }, () => Math.floor(rng() * V));
    const [E, P, R] = [out(B * T * d), out(B * T * d), out(B * T * d)];
    await runSteps(ctx.device, [k.embed(up(tokens), up(WE), up(Wpos), E, P, R, B * T, T, d)]);
    const e = new Float32Array(B * T * d), p = new Float32Array(B * T * d);
    for (let r = 0; r < B * T; r++) for (let i = 0; i < d; i++) { e[r * d + i] = WE[tokens[r] * d + i]; p[r * d + i] = Wpos[(r % T) * d + i]; }
    expect(await read(E, B * T * d)).toEqual(e);
    expect(await read(P, B * T * d)).toEqual(p);
    expect(maxRelError(await read(R, B * T * d), add(e, p))).toBeLessThan(1e-6);
  });
  for (const n of [1, 63, 64, 65, 1000, 70001]) {
    it(`add of ${n} elements`, async () => {
      const x = rand(n), y = rand(n), O = out(n);
      await runSteps(ctx.device, [k.add(up(x), up(y), O, n)]);
      expect(maxRelError(await read(O, n), add(x, y))).toBeLessThan(1e-6);
    });
  }
});
