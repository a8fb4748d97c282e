// SAE training kernels (the matmuls use matmul.wgsl; the reductions backward.wgsl's colsum).
// 1-D kernels: workgroups of 64, index (wid.x + wid.y * nwg.x) * 64 + lid; row kernels: one
// workgroup of 64 per row, row = wid.x + wid.y * nwg.x.
//
// scaled_diff    p {n, _, s}: OUT = s * (A - B). Bindings 1 A, 2 B, 3 OUT.
// axpy           p {n, _, a}: Y += a * X. Bindings 1 X, 2 Y.
// sparsity_grad  p {n, _, coef, pw}: DF = (DF + coef * pw * F^(pw-1)) where F > 0, else 0 — the
//                reconstruction gradient w.r.t. the activations plus the Lp^p penalty's, through
//                ReLU / TopK (only active features pass gradient). Bindings 1 F, 2 DF.
// row_project    p {rows, d}: G[r] -= (G[r] . W[r]) W[r], keeping unit-norm decoder rows on their
//                sphere (ConstrainedAdam). Bindings 1 W, 2 G.
// row_normalise  p {rows, d}: W[r] /= |W[r]|. Bindings 1 W.
// pow_rows       p {rows, F, _, pw}: OUT[r] = sum_f F[r, f]^pw over active features. Bindings 1 F, 2 OUT.
// gated_forward  p {n, F}: FG = ReLU(Z + BG) (the gate's pre-activation, penalised), F = 1[Z + BG > 0]
//                * ReLU(exp(RM) Z + BM). Bindings 1 Z, 2 BG, 3 RM, 4 BM, 5 F, 6 FG.
// gated_backward p {n, F, coef, pw}: DM holds d loss / d f and becomes d loss / d b_mag per element
//                (zero where f = 0); DG holds d aux / d FG and becomes d loss / d b_gate per element
//                (plus coef * pw * FG^(pw-1), zero where the gate is shut); DMZ = DM * Z * exp(RM)
//                (for r_mag); DZ = DM * exp(RM) + DG. Bindings 1 Z, 2 BG, 3 RM, 4 BM, 5 DM, 6 DG, 7 DMZ, 8 DZ.

// #include "common"

struct Params { a: u32, b: u32, c: f32, d: f32 }
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> SD_A: array<f32>;
@group(0) @binding(2) var<storage, read> SD_B: array<f32>;
@group(0) @binding(3) var<storage, read_write> SD_OUT: array<f32>;

@compute @workgroup_size(64)
fn scaled_diff(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i < p.a) {
    SD_OUT[i] = p.c * (SD_A[i] - SD_B[i]);
  }
}

@group(0) @binding(1) var<storage, read> AX_X: array<f32>;
@group(0) @binding(2) var<storage, read_write> AX_Y: array<f32>;

@compute @workgroup_size(64)
fn axpy(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i < p.a) {
    AX_Y[i] += p.c * AX_X[i];
  }
}

@group(0) @binding(1) var<storage, read> SG_F: array<f32>;
@group(0) @binding(2) var<storage, read_write> SG_DF: array<f32>;

@compute @workgroup_size(64)
fn sparsity_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= p.a) {
    return;
  }
  let f = SG_F[i];
  if (f > 0.0) {
    SG_DF[i] = SG_DF[i] + p.c * p.d * pow(f, p.d - 1.0);
  } else {
    SG_DF[i] = 0.0;
  }
}

@group(0) @binding(1) var<storage, read> RP_W: array<f32>;
@group(0) @binding(2) var<storage, read_write> RP_G: array<f32>;

@compute @workgroup_size(64)
fn row_project(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.a) {
    return; // uniform per workgroup
  }
  let o = row * p.b;
  var s = 0.0;
  for (var i = lid; i < p.b; i += 64u) {
    s += RP_G[o + i] * RP_W[o + i];
  }
  let dot = wg_sum(lid, s);
  for (var i = lid; i < p.b; i += 64u) {
    RP_G[o + i] -= dot * RP_W[o + i];
  }
}

@group(0) @binding(1) var<storage, read_write> RN_W: array<f32>;

@compute @workgroup_size(64)
fn row_normalise(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.a) {
    return; // uniform per workgroup
  }
  let o = row * p.b;
  var s = 0.0;
  for (var i = lid; i < p.b; i += 64u) {
    s += RN_W[o + i] * RN_W[o + i];
  }
  let inv = inverseSqrt(max(wg_sum(lid, s), 1e-30));
  for (var i = lid; i < p.b; i += 64u) {
    RN_W[o + i] *= inv;
  }
}

@group(0) @binding(1) var<storage, read> PR_F: array<f32>;
@group(0) @binding(2) var<storage, read_write> PR_OUT: array<f32>;

@compute @workgroup_size(64)
fn pow_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.a) {
    return; // uniform per workgroup
  }
  var s = 0.0;
  for (var i = lid; i < p.b; i += 64u) {
    let f = PR_F[row * p.b + i];
    if (f > 0.0) {
      s += pow(f, p.d);
    }
  }
  let total = wg_sum(lid, s);
  if (lid == 0u) {
    PR_OUT[row] = total;
  }
}

@group(0) @binding(1) var<storage, read> GF_Z: array<f32>;
@group(0) @binding(2) var<storage, read> GF_BG: array<f32>;
@group(0) @binding(3) var<storage, read> GF_RM: array<f32>;
@group(0) @binding(4) var<storage, read> GF_BM: array<f32>;
@group(0) @binding(5) var<storage, read_write> GF_F: array<f32>;
@group(0) @binding(6) var<storage, read_write> GF_FG: array<f32>;

@compute @workgroup_size(64)
fn gated_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= p.a) {
    return;
  }
  let j = i % p.b;
  let z = GF_Z[i];
  let pg = z + GF_BG[j];
  GF_FG[i] = max(pg, 0.0);
  GF_F[i] = select(0.0, max(exp(GF_RM[j]) * z + GF_BM[j], 0.0), pg > 0.0);
}

@group(0) @binding(1) var<storage, read> GB_Z: array<f32>;
@group(0) @binding(2) var<storage, read> GB_BG: array<f32>;
@group(0) @binding(3) var<storage, read> GB_RM: array<f32>;
@group(0) @binding(4) var<storage, read> GB_BM: array<f32>;
@group(0) @binding(5) var<storage, read_write> GB_DM: array<f32>;
@group(0) @binding(6) var<storage, read_write> GB_DG: array<f32>;
@group(0) @binding(7) var<storage, read_write> GB_DMZ: array<f32>;
@group(0) @binding(8) var<storage, read_write> GB_DZ: array<f32>;

@compute @workgroup_size(64)
fn gated_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= p.a) {
    return;
  }
  let j = i % p.b;
  let z = GB_Z[i];
  let pg = z + GB_BG[j];
  let e = exp(GB_RM[j]);
  let open = pg > 0.0 && e * z + GB_BM[j] > 0.0;
  let dm = select(0.0, GB_DM[i], open);
  let dg = select(0.0, GB_DG[i] + p.c * p.d * pow(max(pg, 1e-30), p.d - 1.0), pg > 0.0);
  GB_DM[i] = dm;
  GB_DG[i] = dg;
  GB_DMZ[i] = dm * z * e;
  GB_DZ[i] = dm * e + dg;
}
