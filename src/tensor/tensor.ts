// The small tensor type used across the project: a shape plus row-major float32 data.

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = numel(shape);
  if (data && data.length !== n) throw new Error(`tensor data has ${data.length} values, shape [${shape}] needs ${n}`);
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}

/** 2-D transpose: [rows, cols] → [cols, rows]. */
export function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return tensor([c, r], out);
}

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
