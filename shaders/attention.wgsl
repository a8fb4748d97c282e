// attention: causal multi-head attention core for a batch of sequences.
// QKV [B*T, 3*H*dh] holds q | k | v side by side (head h in columns h*dh..h*dh+dh of each part).
// Writes Z [B*T, H*dh] = softmax(q k^T / sqrt(dh), causal) v and the pattern
// P [B, T(query), H, T(key)] (zeros above the diagonal), which also serves as score scratch.
// Bindings: 0 uniform {B, T, H, dh}, 1 QKV, 2 P (read_write), 3 Z (read_write).
// Layout: one invocation per (sequence, query, head); workgroup 64, 1-D dispatch over
// B*T*H invocations, split over (x, y) when needed: index = (wid.x + wid.y * nwg.x) * 64 + lid.

struct Params { B: u32, T: u32, H: u32, dh: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> QKV: array<f32>;
@group(0) @binding(2) var<storage, read_write> P: array<f32>;
@group(0) @binding(3) var<storage, read_write> Z: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.x + wid.y * nwg.x) * 64u + lid;
  let T = p.T;
  let H = p.H;
  let dh = p.dh;
  if (idx >= p.B * T * H) {
    return;
  }
  let h = idx % H;
  let row = idx / H; // b*T + i
  let i = row % T;
  let seq0 = row - i; // b*T
  let hd = H * dh;
  let stride = 3u * hd;
  let q0 = row * stride + h * dh;
  let pbase = (row * H + h) * T;
  let scale = inverseSqrt(f32(dh));
  var mx = -3.0e38;
  for (var j = 0u; j <= i; j++) {
    let k0 = (seq0 + j) * stride + hd + h * dh;
    var s = 0.0;
    for (var e = 0u; e < dh; e++) {
      s += QKV[q0 + e] * QKV[k0 + e];
    }
    s *= scale;
    P[pbase + j] = s;
    mx = max(mx, s);
  }
  var sum = 0.0;
  for (var j = 0u; j <= i; j++) {
    let ex = exp(P[pbase + j] - mx);
    P[pbase + j] = ex;
    sum += ex;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= i; j++) {
    P[pbase + j] *= inv;
  }
  for (var j = i + 1u; j < T; j++) {
    P[pbase + j] = 0.0;
  }
  let z0 = row * hd + h * dh;
  for (var e = 0u; e < dh; e++) {
    var acc = 0.0;
    for (var j = 0u; j <= i; j++) {
      acc += P[pbase + j] * QKV[(seq0 + j) * stride + 2u * hd + h * dh + e];
    }
    Z[z0 + e] = acc;
  }
}
