// Step builders for shaders/sae_train.wgsl (see its header for bindings). Uniforms that change
// during training (coefficients, p) are returned so the trainer can rewrite them.
import { grid, type Kernels, type Step } from './kernels';

const groups64 = (n: number) => grid(Math.ceil(n / 64));
const P = (k: Kernels, a: number, b: number, c: number, d: number) => k.uniform([a, b, c, d], [2, 3]);

export function scaledDiff(k: Kernels, A: GPUBuffer, B: GPUBuffer, out: GPUBuffer, n: number, s: number): Step {
  return k.step('scaled_diff', k.pipeline('sae_train', 'scaled_diff'), P(k, n, 0, s, 0), [A, B, out], groups64(n));
}

export function axpy(k: Kernels, X: GPUBuffer, Y: GPUBuffer, n: number, a: number): Step {
  return k.step('axpy', k.pipeline('sae_train', 'axpy'), P(k, n, 0, a, 0), [X, Y], groups64(n));
}

/** Returns the step and a setter for (coef, p), which change under p-annealing. */
export function sparsityGrad(k: Kernels, F: GPUBuffer, dF: GPUBuffer, n: number) {
  const u = P(k, n, 0, 0, 1);
  return {
    step: k.step('sparsity_grad', k.pipeline('sae_train', 'sparsity_grad'), u, [F, dF], groups64(n)),
    set: (coef: number, p: number) => k.writeUniform(u, [n, 0, coef, p], [2, 3]),
  };
}

export function rowProject(k: Kernels, W: GPUBuffer, G: GPUBuffer, rows: number, d: number): Step {
  return k.step('row_project', k.pipeline('sae_train', 'row_project'), P(k, rows, d, 0, 0), [W, G], grid(rows));
}

export function rowNormalise(k: Kernels, W: GPUBuffer, rows: number, d: number): Step {
  return k.step('row_normalise', k.pipeline('sae_train', 'row_normalise'), P(k, rows, d, 0, 0), [W], grid(rows));
}

export function powRows(k: Kernels, F: GPUBuffer, out: GPUBuffer, rows: number, cols: number) {
  const u = P(k, rows, cols, 0, 1);
  return {
    step: k.step('pow_rows', k.pipeline('sae_train', 'pow_rows'), u, [F, out], grid(rows)),
    set: (p: number) => k.writeUniform(u, [rows, cols, 0, p], [2, 3]),
  };
}

export function gatedForward(k: Kernels, z: GPUBuffer, bGate: GPUBuffer, rMag: GPUBuffer, bMag: GPUBuffer, f: GPUBuffer, fg: GPUBuffer, n: number, F: number): Step {
  return k.step('gated_forward', k.pipeline('sae_train', 'gated_forward'), P(k, n, F, 0, 0), [z, bGate, rMag, bMag, f, fg], groups64(n));
}

/** Returns the step and a setter for (coef, p) of the gate's sparsity penalty. */
export function gatedBackward(k: Kernels, z: GPUBuffer, bGate: GPUBuffer, rMag: GPUBuffer, bMag: GPUBuffer, dm: GPUBuffer, dg: GPUBuffer, dmz: GPUBuffer, dz: GPUBuffer, n: number, F: number) {
  const u = P(k, n, F, 0, 1);
  return {
    step: k.step('gated_backward', k.pipeline('sae_train', 'gated_backward'), u, [z, bGate, rMag, bMag, dm, dg, dmz, dz], groups64(n)),
    set: (coef: number, p: number) => k.writeUniform(u, [n, F, coef, p], [2, 3]),
  };
}
