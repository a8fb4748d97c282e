// Declarations shared by matmul.wgsl and matmul_subgroup.wgsl (bindings, overrides, the
// activation, op(A) and the epilogue); see matmul.wgsl for the layout and the entry points.

// #include "common"

struct Params { M: u32, N: u32, K: u32, _pad: u32 }

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

/** op(A)[row, k]; `row` is the same for every lane of a workgroup. */
fn a_at(row: u32, k: u32) -> f32 {
  if (TRANS_A) {
    return A[k * p.M + row];
  }
  return A[row * p.K + k];
}

fn store(row: u32, col: u32, sum: f32) {
  var v = sum;
  if (HAS_BIAS) {
    v += bias[col];
  }
  if (ACCUMULATE) {
    C[row * p.N + col] += activate(v);
  } else {
    C[row * p.N + col] = activate(v);
  }
}

