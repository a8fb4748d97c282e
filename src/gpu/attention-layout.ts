// Where attention's operands sit in their buffers, as strided batches for Kernels.matmulEx:
// matrix z = sequence * H + head. Shared by the forward pass (Kernels.attention) and its
// backward (attentionBackward) so the two cannot disagree about layouts.
import type { MatmulBatch } from './kernels';

/** [base, stride per sequence, stride per head] in elements, and the row stride. */
export interface Operand {
  start: [number, number, number];
  ld: number;
}

/**
 * q, k, v: [T, dh] slices of QKV [B*T, 3*H*dh] (q | k | v side by side, head h at columns h*dh);
 * pattern: [T, T] slices of P [B, T, H, T]; z: [T, dh] slices of Z [B*T, H*dh] (dZ alike).
 */
export function attentionOperands(T: number, H: number, dh: number) {
  const hd = H * dh;
  const qkvRow = 3 * hd;
  const inQkv = (part: number): Operand => ({ start: [part * hd, T * qkvRow, dh], ld: qkvRow });
  return {
    q: inQkv(0), k: inQkv(1), v: inQkv(2),
    pattern: { start: [0, T * H * T, T], ld: H * T } as Operand,
    z: { start: [0, T * hd, dh], ld: hd } as Operand,
  };
}

/** The batch of B*H matrices for C = op(A) op(B) with each operand placed as given. */
export function headBatch(B: number, H: number, a: Operand, b: Operand, c: Operand): MatmulBatch {
  return { count: B * H, inner: H, a: a.start, b: b.start, c: c.start, lda: a.ld, ldb: b.ld, ldc: c.ld };
}
