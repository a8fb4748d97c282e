// elementwise kernels over flat f32 arrays. Layout: one invocation per output element,
// workgroup 64, 1-D dispatch split over (x, y): index = (wid.x + wid.y * nwg.x) * 64 + lid.
//
// embed:  bindings 0 uniform {rows, T, d}, 1 tokens (u32, [rows]), 2 W_E [V, d], 3 W_pos [nCtx, d],
//         4 EMB [rows, d], 5 POS [rows, d], 6 RESID [rows, d]; row = b*T + t.
//         EMB = W_E[token], POS = W_pos[t], RESID = EMB + POS.
// add:    bindings 0 uniform {n}, 1 X, 2 Y, 3 OUT: OUT = X + Y (the residual add).

struct EmbedParams { rows: u32, T: u32, d: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> ep: EmbedParams;
@group(0) @binding(1) var<storage, read> tokens: array<u32>;
@group(0) @binding(2) var<storage, read> W_E: array<f32>;
@group(0) @binding(3) var<storage, read> W_pos: array<f32>;
@group(0) @binding(4) var<storage, read_write> EMB: array<f32>;
@group(0) @binding(5) var<storage, read_write> POS: array<f32>;
@group(0) @binding(6) var<storage, read_write> RESID: array<f32>;

fn flat_index(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.x + wid.y * nwg.x) * 64u + lid;
}

@compute @workgroup_size(64)
fn embed(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = flat_index(wid, nwg, lid);
  let d = ep.d;
  if (idx >= ep.rows * d) {
    return;
  }
  let row = idx / d;
  let i = idx % d;
  let t = row % ep.T;
  let e = W_E[tokens[row] * d + i];
  let ps = W_pos[t * d + i];
  EMB[idx] = e;
  POS[idx] = ps;
  RESID[idx] = e + ps;
}

struct AddParams { n: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<uniform> ap: AddParams;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<f32>;

@compute @workgroup_size(64)
fn add(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = flat_index(wid, nwg, lid);
  if (idx >= ap.n) {
    return;
  }
  OUT[idx] = X[idx] + Y[idx];
}
