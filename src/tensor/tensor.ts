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

/** Row-major 2-D transpose of raw data: a [rows, cols] → [cols, rows]. */
export function transposeData(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
