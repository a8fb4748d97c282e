// attention_softmax: the causal softmax step of multi-head attention, in place.
// The attention core is three dispatches (Kernels.attention): S = q k^T for every (sequence, head)
// as one strided batched matmul written into P, this kernel, then Z = P v as a second batched
// matmul. Batched matmuls keep the math in the one tuned kernel; the earlier one-invocation-per-
// query kernel re-read k and v per query and ran about 20x slower on lavapipe.
// P [B, T(query), H, T(key)] holds raw scores q.k on entry and the pattern on exit:
// softmax(scores / sqrt(dh)) over keys j <= i, exact zeros above the diagonal.
// Bindings: 0 uniform {B, T, H, dh}, 1 P (read_write).
// Layout: one invocation per (sequence, query, head) row; workgroup 64, 1-D dispatch split over
// (x, y): index = (wid.x + wid.y * nwg.x) * 64 + lid.

// #include "common"

struct Params { B: u32, T: u32, H: u32, dh: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> P: array<f32>;

@compute @workgroup_size(64)
fn attention_softmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = flat(wid, nwg, lid);
  let T = p.T;
  if (idx >= p.B * T * p.H) {
    return;
  }
  let i = (idx / p.H) % T; // query position
  let base = idx * T;
  let scale = inverseSqrt(f32(p.dh));
  var mx = -3.0e38;
  for (var j = 0u; j <= i; j++) {
    mx = max(mx, P[base + j] * scale);
  }
  var sum = 0.0;
  for (var j = 0u; j <= i; j++) {
    let ex = exp(P[base + j] * scale - mx);
    P[base + j] = ex;
    sum += ex;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= i; j++) {
    P[base + j] *= inv;
  }
  for (var j = i + 1u; j < T; j++) {
    P[base + j] = 0.0;
  }
}
