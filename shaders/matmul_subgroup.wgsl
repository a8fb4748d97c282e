enable subgroups;
// matmul for CPU adapters that expose subgroups: the same contract, layout, overrides and
// dispatch as matmul.wgsl (read its header), but op(A) is read differently.
//
// Why: on lavapipe a storage load costs one scalar load per lane even when every lane reads the
// same address, so matmul.wgsl's ROWS loads of A per k dominated its time (removing them made it
// 2.5-3x faster). Here the S lanes of a subgroup read S consecutive k of each row in one varying
// load, and each k's value is then taken from lane k with subgroupShuffle, which lavapipe turns
// into a register extract. Measured on lavapipe (2 cores), 1888x128x512: 1.75x matmul.wgsl.
//
// Only used where the whole subgroup lies in one workgroup (subgroup size <= LANES, checked on the
// TypeScript side), so every lane a shuffle reads exists and runs the same k loop.

// #include "matmul_common"

/** op(A)[row, k0 + lane] for every row of the block: one value per lane, shared by shuffles. */
fn load_a_block(row0: u32, k0: u32, sid: u32, a: ptr<function, array<f32, ROWS>>) {
  let k = min(k0 + sid, p.K - 1u);
  for (var r = 0u; r < ROWS; r++) {
    (*a)[r] = a_at(min(row0 + r, p.M - 1u), k);
  }
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) S: u32) {
  select_matrix(wid.z);
  let K = p.K;
  let row0 = wid.y * ROWS;
  let first = wid.x * LANES * 4u + lane;
  let cols = strided_cols(first);
  var acc: array<vec4f, ROWS>;
  var a: array<f32, ROWS>;
  for (var k0 = 0u; k0 < K; k0 += S) {
    load_a_block(row0, k0, sid, &a);
    let kn = min(S, K - k0);
    for (var kk = 0u; kk < kn; kk++) {
      let k = k0 + kk;
      let b = vec4f(b_at(k, cols[0]), b_at(k, cols[1]), b_at(k, cols[2]), b_at(k, cols[3]));
      for (var r = 0u; r < ROWS; r++) {
        acc[r] += subgroupShuffle(a[r], kk) * b;
      }
    }
  }
  store_strided(row0, first, &acc);
}

@compute @workgroup_size(LANES)
fn main_vec4(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32,
             @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) S: u32) {
  select_matrix(wid.z);
  let K = p.K;
  let N4 = p.N / 4u;
  let row0 = wid.y * ROWS;
  let c4 = wid.x * LANES + lane;
  let c4read = min(c4, N4 - 1u);
  var acc: array<vec4f, ROWS>;
  var a: array<f32, ROWS>;
  for (var k0 = 0u; k0 < K; k0 += S) {
    load_a_block(row0, k0, sid, &a);
    let kn = min(S, K - k0);
    for (var kk = 0u; kk < kn; kk++) {
      let b = b4_at(k0 + kk, c4read);
      for (var r = 0u; r < ROWS; r++) {
        acc[r] += subgroupShuffle(a[r], kk) * b;
      }
    }
  }
  store_vec4(row0, c4, &acc);
}
