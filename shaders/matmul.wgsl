// matmul: C[M, N] = act(op(A)[M, K] @ op(B)[K, N] + bias[N]), all row-major f32.
// act (override ACT): 0 = identity, 1 = exact GELU (erf form), 2 = tanh GELU.
// Overrides for training: TRANS_A reads A stored [K, M]; TRANS_B reads B stored [N, K];
// HAS_BIAS = false skips the bias; ACCUMULATE adds the result into C instead of overwriting it.
// Bindings: 0 uniform {M, N, K}, 1 A, 2 B, 3 bias, 4 C (read_write).
// Layout: each invocation computes a 4x4 block of C from registers, no workgroup memory (barriers
// are costly on CPU adapters); workgroup (WG_X, WG_Y), so one workgroup covers 4*WG_Y rows x 4*WG_X cols.
// Dispatch: (ceil(N / (4*WG_X)), ceil(M / (4*WG_Y))). Edges are bounds-checked, any M, N, K works.

// #include "common"

struct Params { M: u32, N: u32, K: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

override ACT: u32 = 0u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = true;
override ACCUMULATE: bool = false;
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

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

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let col0 = gid.x * 4u;
  let row0 = gid.y * 4u;
  if (row0 >= p.M || col0 >= p.N) {
    return;
  }
  let K = p.K;
  let N = p.N;
  // Clamp out-of-range rows/columns to a valid index; their results are never stored.
  let c1 = min(col0 + 1u, N - 1u);
  let c2 = min(col0 + 2u, N - 1u);
  let c3 = min(col0 + 3u, N - 1u);
  let r1 = min(row0 + 1u, p.M - 1u);
  let r2 = min(row0 + 2u, p.M - 1u);
  let r3 = min(row0 + 3u, p.M - 1u);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  if (!TRANS_A && !TRANS_B) {
    // The inference path, kept free of the index arithmetic of the transposed layouts.
    for (var k = 0u; k < K; k++) {
      let bk = k * N;
      let b = vec4f(B[bk + col0], B[bk + c1], B[bk + c2], B[bk + c3]);
      acc0 += A[row0 * K + k] * b;
      acc1 += A[r1 * K + k] * b;
      acc2 += A[r2 * K + k] * b;
      acc3 += A[r3 * K + k] * b;
    }
  } else {
    let M = p.M;
    for (var k = 0u; k < K; k++) {
      var b: vec4f;
      if (TRANS_B) {
        b = vec4f(B[col0 * K + k], B[c1 * K + k], B[c2 * K + k], B[c3 * K + k]);
      } else {
        b = vec4f(B[k * N + col0], B[k * N + c1], B[k * N + c2], B[k * N + c3]);
      }
      if (TRANS_A) {
        acc0 += A[k * M + row0] * b;
        acc1 += A[k * M + r1] * b;
        acc2 += A[k * M + r2] * b;
        acc3 += A[k * M + r3] * b;
      } else {
        acc0 += A[row0 * K + k] * b;
        acc1 += A[r1 * K + k] * b;
        acc2 += A[r2 * K + k] * b;
        acc3 += A[r3 * K + k] * b;
      }
    }
  }
  var bias4 = vec4f(0.0);
  if (HAS_BIAS) {
    bias4 = vec4f(bias[col0], bias[c1], bias[c2], bias[c3]);
  }
  var rows = array<vec4f, 4>(acc0 + bias4, acc1 + bias4, acc2 + bias4, acc3 + bias4);
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    if (row >= p.M) {
      break;
    }
    for (var c = 0u; c < 4u; c++) {
      let col = col0 + c;
      if (col < N) {
        if (ACCUMULATE) {
          C[row * N + col] += activate(rows[r][c]);
        } else {
          C[row * N + col] = activate(rows[r][c]);
        }
      }
    }
  }
}
