// Declarations shared by matmul.wgsl and matmul_subgroup.wgsl (bindings, overrides, the
// activation, op(A) and the epilogue); see matmul.wgsl for the layout and the entry points.

// #include "common"

// Batched form (attention): workgroup z is matrix z of a batch; each operand X in {a, b, c} starts
// at X.x + (z / inner) * X.y + (z % inner) * X.z and has row stride ldX (elements). A plain
// matmul has one matrix at offset 0 with lda = K (M transposed), ldb = N (K transposed), ldc = N.
struct Params { M: u32, N: u32, K: u32, inner: u32, lda: u32, ldb: u32, ldc: u32, _pad: u32, a: vec4u, b: vec4u, c: vec4u }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> B4: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

override ACT: u32 = 0u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = true;
override ACCUMULATE: bool = false;
override LANES: u32 = 32u;
const ROWS: u32 = 16u;

fn activate(x: f32) -> f32 {
  if (ACT == 1u) {
    return 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476));
  }
  if (ACT == 2u) {
    // tanh(u) written via exp with u clamped: |u| > 15 already saturates f32's tanh.
    let u = clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0);
    let e = exp(2.0 * u);
    return 0.5 * x * (1.0 + (e - 1.0) / (e + 1.0));
  }
  return x;
}

var<private> offA: u32;
var<private> offB: u32;
var<private> offC: u32;

/** Points the accessors below at matrix z of the batch; every entry point calls it first. */
fn select_matrix(z: u32) {
  offA = p.a.x + (z / p.inner) * p.a.y + (z % p.inner) * p.a.z;
  offB = p.b.x + (z / p.inner) * p.b.y + (z % p.inner) * p.b.z;
  offC = p.c.x + (z / p.inner) * p.c.y + (z % p.inner) * p.c.z;
}

/** op(A)[row, k] */
fn a_at(row: u32, k: u32) -> f32 {
  if (TRANS_A) {
    return A[offA + k * p.lda + row];
  }
  return A[offA + row * p.lda + k];
}

/** op(B)[k, col] */
fn b_at(k: u32, col: u32) -> f32 {
  if (TRANS_B) {
    return B[offB + col * p.ldb + k];
  }
  return B[offB + k * p.ldb + col];
}

/** op(B)[k, 4*c4 .. 4*c4+3] for !TRANS_B with offB, ldb and N multiples of 4 */
fn b4_at(k: u32, c4: u32) -> vec4f {
  return B4[(offB + k * p.ldb) / 4u + c4];
}

fn store(row: u32, col: u32, sum: f32) {
  var v = sum;
  if (HAS_BIAS) {
    v += bias[col];
  }
  let i = offC + row * p.ldc + col;
  if (ACCUMULATE) {
    C[i] += activate(v);
  } else {
    C[i] = activate(v);
  }
}

/**
 * Columns of `main`'s invocation: first + j * LANES (j < 4). Out-of-range columns read a valid
 * column; their sums are never stored.
 */
fn strided_cols(first: u32) -> array<u32, 4> {
  var cols: array<u32, 4>;
  for (var j = 0u; j < 4u; j++) {
    cols[j] = min(first + j * LANES, p.N - 1u);
  }
  return cols;
}

/** Epilogue of `main`: the invocation's columns are first + j * LANES (j < 4). */
fn store_strided(row0: u32, first: u32, acc: ptr<function, array<vec4f, ROWS>>) {
  for (var r = 0u; r < ROWS && row0 + r < p.M; r++) {
    for (var j = 0u; j < 4u; j++) {
      let col = first + j * LANES;
      if (col < p.N) {
        store(row0 + r, col, (*acc)[r][j]);
      }
    }
  }
}

/** Epilogue of `main_vec4`: the invocation's columns are 4 * c4 .. 4 * c4 + 3. */
fn store_vec4(row0: u32, c4: u32, acc: ptr<function, array<vec4f, ROWS>>) {
  if (c4 >= p.N / 4u) {
    return;
  }
  for (var r = 0u; r < ROWS && row0 + r < p.M; r++) {
    for (var j = 0u; j < 4u; j++) {
      store(row0 + r, c4 * 4u + j, (*acc)[r][j]);
    }
  }
}
