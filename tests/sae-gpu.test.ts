// SAE encode / decode on the GPU against the CPU reference, for every SAE class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { randomArray } from '../src/model/random';
import { cpuSae } from '../src/sae/cpu';
import { GpuSae } from '../src/gpu/sae-runner';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import type { SaeKind } from '../src/sae/types';
import { gpuKernels, maxRelError } from './helpers/gpu';
import { randomSae } from './helpers/sae';

let ctx: GpuContext;
let k: Kernels;
beforeAll(async () => ({ ctx, kernels: k } = await gpuKernels()));
afterAll(() => ctx?.device.destroy());

const kinds: SaeKind[] = ['relu', 'jumprelu', 'gated', 'topk'];
const shapes: Array<[number, number, number]> = [[1, 3, 5], [17, 32, 100], [59, 128, 1024], [70, 65, 129]];

describe('SAE GPU vs CPU', () => {
  for (const kind of kinds) {
    for (const [N, dIn, dSae] of shapes) {
      for (const subtract of [true, false]) {
        it(`${kind} N=${N} d_in=${dIn} d_sae=${dSae} subtract_b_dec=${subtract}`, async () => {
          const sae = randomSae(kind, dIn, dSae, N * 31 + dSae, subtract);
          const x = randomArray(N * dIn, 1, mulberry32(N + dIn));
          const gpu = new GpuSae(k, sae);
          const got = await gpu.run(x, N);
          const want = cpuSae(sae, x, N);
          expect(maxRelError(got.acts, want.acts)).toBeLessThan(1e-5);
          expect(maxRelError(got.recon, want.recon)).toBeLessThan(1e-5);
          expect(maxRelError(got.error, want.error)).toBeLessThan(1e-5);
          if (kind === 'topk') {
            for (let n = 0; n < N; n++) {
              const nz = got.acts.subarray(n * dSae, (n + 1) * dSae).filter((v) => v !== 0).length;
              expect(nz).toBeLessThanOrEqual(sae.k!);
            }
          }
          // a second call through the cached plan gives the same answer
          const again = await gpu.run(x, N);
          expect(again.acts).toEqual(got.acts);
          gpu.destroy();
        });
      }
    }
  }
});

describe('real SAE-Lens fixture on the GPU', () => {
  it('L1_x16 (d_sae 2048) matches the CPU reference', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadSaeFiles } = await import('../src/sae/formats');
    const dir = join(__dirname, '..', '..', 'shared', 'fixtures', 'saelens-othello-6L128', 'L1_x16_102400000');
    const sae = loadSaeFiles(new Map(readdirSync(dir).map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))])));
    const N = 59;
    const x = randomArray(N * sae.dIn, 2, mulberry32(5));
    const gpu = new GpuSae(k, sae);
    const got = await gpu.run(x, N);
    const want = cpuSae(sae, x, N);
    expect(maxRelError(got.acts, want.acts)).toBeLessThan(1e-5);
    expect(maxRelError(got.recon, want.recon)).toBeLessThan(1e-5);
    gpu.destroy();
  });
});
