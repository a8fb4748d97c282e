// Helpers shared by several kernel files through `// #include "common"` (resolved by the loader in
// src/gpu/kernels.ts, since WGSL has no includes of its own).

// Flat invocation index for 1-D dispatches of 64-wide workgroups split over (x, y).
fn flat(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.x + wid.y * nwg.x) * 64u + lid;
}

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7); the CPU reference uses the same formula.
fn erf_approx(x: f32) -> f32 {
  let ax = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-ax * ax);
  return select(y, -y, x < 0.0);
}

var<workgroup> red: array<f32, 64>;

// Sum of v over a 64-wide workgroup; every invocation must call it (it contains barriers).
fn wg_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) {
      red[lid] += red[lid + s];
    }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
