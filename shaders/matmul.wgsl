// matmul: C[M, N] = act(op(A)[M, K] @ op(B)[K, N] + bias[N]), all row-major f32.
// act (override ACT): 0 = identity, 1 = exact GELU (erf form), 2 = tanh GELU.
// Overrides for training: TRANS_A reads A stored [K, M]; TRANS_B reads B stored [N, K];
// HAS_BIAS = false skips the bias; ACCUMULATE adds the result into C instead of overwriting it.
// Bindings: 0 uniform Params (matmul_common.wgsl), 1 A, 2 B, 3 bias, 4 C (read_write).
//
// Layout, chosen for CPU adapters (lavapipe runs a workgroup's lanes as SIMD vectors and loads a
// storage element per lane unless the address is the same for every lane): a workgroup is one row
// of LANES invocations, all working on the same ROWS rows of C, so every load of A is the same for
// the whole workgroup; each invocation keeps ROWS x 4 sums in registers; no workgroup memory
// (barriers are costly on CPU adapters). Measured on lavapipe (2 cores), 4096x128x512: 1.4x the
// GFLOP/s of the earlier 4x4-block-per-invocation kernel. On real GPUs the A loads are broadcasts
// and the B loads coalesce across lanes.
// Entry points:
//   main       any shapes and layouts; invocation columns are lane + j*LANES (j < 4) of its block.
//   main_vec4  !TRANS_B and N % 4 == 0: B read as vec4 (one load for 4 adjacent columns), the
//              invocation owning columns 4*(block lane) .. +3.
// Dispatch: (ceil(N / (4*LANES)), ceil(M / ROWS), matrices in the batch). Edges are bounds-checked,
// any M, N, K works.

// #include "matmul_common"

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  select_matrix(wid.z);
  let K = p.K;
  let row0 = wid.y * ROWS;
  let first = wid.x * LANES * 4u + lane;
  let cols = strided_cols(first);
  var acc: array<vec4f, ROWS>;
  for (var k = 0u; k < K; k++) {
    let b = vec4f(b_at(k, cols[0]), b_at(k, cols[1]), b_at(k, cols[2]), b_at(k, cols[3]));
    for (var r = 0u; r < ROWS; r++) {
      acc[r] += a_at(min(row0 + r, p.M - 1u), k) * b;
    }
  }
  store_strided(row0, first, &acc);
}

@compute @workgroup_size(LANES)
fn main_vec4(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  select_matrix(wid.z);
  let N4 = p.N / 4u;
  let row0 = wid.y * ROWS;
  let c4 = wid.x * LANES + lane;
  let c4read = min(c4, N4 - 1u);
  var acc: array<vec4f, ROWS>;
  for (var k = 0u; k < p.K; k++) {
    let b = b4_at(k, c4read);
    for (var r = 0u; r < ROWS; r++) {
      acc[r] += a_at(min(row0 + r, p.M - 1u), k) * b;
    }
  }
  store_vec4(row0, c4, &acc);
}
