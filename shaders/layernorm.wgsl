// layernorm: Y[r, :] = (X[r, :] - mean) / sqrt(var + eps) * w + b over rows of X [rows, d]
// (biased variance, two passes for accuracy). "LNPre" models pass w = 1, b = 0.
// Bindings: 0 uniform {rows, d, eps}, 1 X, 2 w, 3 b, 4 Y (read_write).
// Layout: one workgroup of 64 per row, tree reduction in workgroup memory.
// Dispatch: rows workgroups, split over (x, y) when rows > 65535; row = wid.x + wid.y * nwg.x.

struct Params { rows: u32, d: u32, eps: f32, _pad: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

fn reduce_sum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      partial[lid] += partial[lid + s];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.rows) {
    return; // uniform per workgroup, so no barrier is skipped by part of a workgroup
  }
  let d = p.d;
  let base = row * d;
  var s = 0.0;
  for (var i = lid; i < d; i += WG) {
    s += X[base + i];
  }
  let mean = reduce_sum(lid, s) / f32(d);
  var v = 0.0;
  for (var i = lid; i < d; i += WG) {
    let c = X[base + i] - mean;
    v += c * c;
  }
  let inv = inverseSqrt(reduce_sum(lid, v) / f32(d) + p.eps);
  for (var i = lid; i < d; i += WG) {
    Y[base + i] = (X[base + i] - mean) * inv * w[i] + b[i];
  }
}

// main_rows: the same result with one invocation per row and no workgroup memory, for CPU
// adapters, where each barrier of the tree reduction costs more than the row's arithmetic
// (lavapipe, 4096 rows of 128: see Kernels.layerNorm). Dispatch: ceil(rows / 64) workgroups of
// 64, split over (x, y); row = (wid.x + wid.y * nwg.x) * 64 + lid.
@compute @workgroup_size(64)
fn main_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + wid.y * nwg.x) * 64u + lid;
  if (row >= p.rows) {
    return;
  }
  let d = p.d;
  let base = row * d;
  var s = 0.0;
  for (var i = 0u; i < d; i++) {
    s += X[base + i];
  }
  let mean = s / f32(d);
  var v = 0.0;
  for (var i = 0u; i < d; i++) {
    let c = X[base + i] - mean;
    v += c * c;
  }
  let inv = inverseSqrt(v / f32(d) + p.eps);
  for (var i = 0u; i < d; i++) {
    Y[base + i] = (X[base + i] - mean) * inv * w[i] + b[i];
  }
}
