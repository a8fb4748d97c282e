// SAE kernels (the matmuls of encode / decode use matmul.wgsl).
//
// sub_bias:  X' [N, d] = X - bias[d] (the "x - b_dec" before encoding).
//            bindings 0 uniform {N, d}, 1 X, 2 bias, 3 OUT. One invocation per element.
// activate:  in place on PRE [N, F] after PRE = X' @ W_enc + b_enc. Override MODE:
//            0 ReLU; 1 JumpReLU: pre if pre > max(threshold, 0) (AUX0 = threshold);
//            2 gated: 1[pre + b_gate > 0] * ReLU(exp(r_mag) * pre + b_mag) (AUX0 = b_gate, AUX1 = r_mag, AUX2 = b_mag).
//            bindings 0 uniform {N, F}, 1 PRE, 2 AUX0, 3 AUX1, 4 AUX2. One invocation per element.
// topk:      per row of PRE [N, F], keep the k largest values (ties to the lower index), ReLU'd, in ACTS;
//            PRE is used as scratch (selected entries are overwritten with -3.4e38).
//            bindings 0 uniform {N, F, k}, 1 PRE (read_write), 2 ACTS. One workgroup of 64 per row.
// sq_error:  ERR[n] = sum_i (X[n, i] - R[n, i])^2; bindings 0 uniform {N, d}, 1 X, 2 R, 3 ERR.
//            One workgroup of 64 per row.
// Element-wise kernels dispatch 1-D over elements in workgroups of 64; row kernels one workgroup
// per row; both split over (x, y) when needed: index = wid.x + wid.y * nwg.x.

struct Params { N: u32, F: u32, k: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;

fn group_index(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

@compute @workgroup_size(64)
fn sub_bias(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = group_index(wid, nwg) * 64u + lid;
  if (idx >= p.N * p.F) {
    return;
  }
  OUT[idx] = X[idx] - bias[idx % p.F];
}

@group(0) @binding(1) var<storage, read_write> PRE: array<f32>;
@group(0) @binding(2) var<storage, read> AUX0: array<f32>;
@group(0) @binding(3) var<storage, read> AUX1: array<f32>;
@group(0) @binding(4) var<storage, read> AUX2: array<f32>;

override MODE: u32 = 0u;

@compute @workgroup_size(64)
fn activate(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = group_index(wid, nwg) * 64u + lid;
  if (idx >= p.N * p.F) {
    return;
  }
  let f = idx % p.F;
  let x = PRE[idx];
  // Every AUX binding is read in every mode so that auto layouts keep all five bindings.
  let a0 = AUX0[f];
  let a1 = AUX1[f];
  let a2 = AUX2[f];
  var y = max(x, 0.0);
  if (MODE == 1u) {
    y = select(0.0, x, x > a0 && x > 0.0);
  } else if (MODE == 2u) {
    y = select(0.0, max(exp(a1) * x + a2, 0.0), x + a0 > 0.0);
  }
  PRE[idx] = y;
}

@group(0) @binding(2) var<storage, read_write> ACTS: array<f32>;

var<workgroup> best_val: array<f32, 64>;
var<workgroup> best_idx: array<u32, 64>;

@compute @workgroup_size(64)
fn topk(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = group_index(wid, nwg);
  if (row >= p.N) {
    return; // uniform per workgroup
  }
  let F = p.F;
  let base = row * F;
  let neg_inf = -3.4e38; // below any real activation; marks entries already selected
  for (var f = lid; f < F; f += 64u) {
    ACTS[base + f] = 0.0;
  }
  for (var round = 0u; round < p.k; round++) {
    var bv = neg_inf;
    var bi = 0xffffffffu;
    for (var f = lid; f < F; f += 64u) {
      let v = PRE[base + f];
      if (v > bv) { // strict: the first (lowest) index wins ties within a thread
        bv = v;
        bi = f;
      }
    }
    best_val[lid] = bv;
    best_idx[lid] = bi;
    workgroupBarrier();
    for (var s = 32u; s > 0u; s >>= 1u) {
      if (lid < s) {
        let ov = best_val[lid + s];
        let oi = best_idx[lid + s];
        if (ov > best_val[lid] || (ov == best_val[lid] && oi < best_idx[lid])) {
          best_val[lid] = ov;
          best_idx[lid] = oi;
        }
      }
      workgroupBarrier();
    }
    if (lid == 0u && best_idx[0] != 0xffffffffu) {
      ACTS[base + best_idx[0]] = max(best_val[0], 0.0);
      PRE[base + best_idx[0]] = neg_inf;
    }
    storageBarrier();
    workgroupBarrier();
  }
}

@group(0) @binding(2) var<storage, read> R: array<f32>;
@group(0) @binding(3) var<storage, read_write> ERR: array<f32>;

var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn sq_error(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = group_index(wid, nwg);
  if (row >= p.N) {
    return; // uniform per workgroup
  }
  var s = 0.0;
  for (var i = lid; i < p.F; i += 64u) {
    let e = X[row * p.F + i] - R[row * p.F + i];
    s += e * e;
  }
  partial[lid] = s;
  workgroupBarrier();
  for (var st = 32u; st > 0u; st >>= 1u) {
    if (lid < st) {
      partial[lid] += partial[lid + st];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    ERR[row] = partial[0];
  }
}
