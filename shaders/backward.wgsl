// Backward kernels for training (the matmul gradients use matmul.wgsl with TRANS_A / TRANS_B).
// Every entry point reads a 16-byte uniform p {a, b, c, d} whose meaning is given per kernel.
// 1-D kernels index (wid.x + wid.y * nwg.x) * 64 + lid (workgroups of 64, split over x, y);
// row kernels use one workgroup of 64 per row, row = wid.x + wid.y * nwg.x.
//
// gelu_backward   p {n}: DPRE = DOUT * gelu'(PRE); MODE 1 = exact, 2 = tanh. Bindings 1 PRE, 2 DOUT, 3 DPRE.
// colsum          p {rows, cols}: OUT[j] (+)= sum_i X[i, j] (bias gradients). Bindings 1 X, 2 OUT. One invocation per column.
// layernorm_dx    p {rows, d, eps}: DX (+)= LayerNorm backward; writes the row's mean and 1/sigma to STATS.
//                 Bindings 1 X, 2 W, 3 DY, 4 DX, 5 STATS [rows, 2]. One workgroup per row
//                 (layernorm_dx_rows: one invocation per row, for CPU adapters).
// layernorm_dwdb  p {rows, d}: DW[i] += sum_r DY*xhat, DB[i] += sum_r DY. Bindings 1 X, 2 DY, 3 STATS, 4 DW, 5 DB.
// attention_softmax_backward  p {B, T, H, dh}: per (sequence, query i, head) row of DS [B, T, H, T], which
//                 holds dP = dZ v^T on entry: dS_ij = P_ij (dP_ij - sum_j P_ij dP_ij) / sqrt(dh) for j <= i,
//                 zeros above the diagonal, in place. The matmuls around it (dP, dQ, dK, dV) are strided
//                 batched matmuls, see attentionBackward. Bindings 1 P, 2 DS (read_write). One invocation per row.
// embed_backward  p {rows, T, d, V}: DWE[v] = sum of DRESID rows whose token is v; DWPOS[t] = sum over sequences.
//                 Bindings 1 TOK (u32), 2 DRESID, 3 DWE, 4 DWPOS. One invocation per (table row, dim).
// cross_entropy   p {rows, V, count}: per row with target != 0xffffffff: LOSS[r] = logsumexp - logit[target],
//                 DLOGITS[r] = (softmax - onehot) / count; ignored rows get zeros. Bindings 1 LOGITS, 2 TARGET (u32), 3 DLOGITS, 4 LOSS.
// gelu_forward    p {n}: OUT = gelu(X) (MODE as above), for training where the pre-activation is kept. Bindings 1 X, 2 OUT.
// sumsq           p {n, slot}: PARTIAL[slot] = sum X^2 (one workgroup). Bindings 1 X, 2 PARTIAL.
// clip_scale      p {slots, max_norm bits}: SCALE[0] = min(1, max_norm / sqrt(sum PARTIAL)), SCALE[1] = the norm.
//                 Bindings 1 PARTIAL, 2 SCALE. One workgroup.
// adamw           (32-byte uniform q {n, lr, beta1, beta2, eps, wd, bc1, bc2}): gradient scaled by SCALE[0]
//                 (gradient clipping), decoupled weight decay, then Adam, in place. Bindings 1 PARAM, 2 GRAD, 3 M, 4 V, 5 SCALE.

// #include "common"

struct Params { a: u32, b: u32, c: u32, d: u32 }
@group(0) @binding(0) var<uniform> p: Params;

override MODE: u32 = 1u;
override ACCUMULATE: bool = false;

@group(0) @binding(1) var<storage, read> G_PRE: array<f32>;
@group(0) @binding(2) var<storage, read> G_DOUT: array<f32>;
@group(0) @binding(3) var<storage, read_write> G_DPRE: array<f32>;

@compute @workgroup_size(64)
fn gelu_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= p.a) {
    return;
  }
  let x = G_PRE[i];
  var g: f32;
  if (MODE == 1u) {
    g = 0.5 * (1.0 + erf_approx(x * 0.7071067811865476)) + x * exp(-0.5 * x * x) * 0.3989422804014327;
  } else {
    let c = 0.7978845608028654;
    let u = clamp(c * (x + 0.044715 * x * x * x), -15.0, 15.0);
    let e = exp(2.0 * u);
    let t = (e - 1.0) / (e + 1.0);
    g = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 0.134145 * x * x);
  }
  G_DPRE[i] = G_DOUT[i] * g;
}

@group(0) @binding(1) var<storage, read> CS_X: array<f32>;
@group(0) @binding(2) var<storage, read_write> CS_OUT: array<f32>;

@compute @workgroup_size(64)
fn colsum(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = flat(wid, nwg, lid);
  let cols = p.b;
  if (j >= cols) {
    return;
  }
  var s = 0.0;
  for (var i = 0u; i < p.a; i++) {
    s += CS_X[i * cols + j];
  }
  if (ACCUMULATE) {
    CS_OUT[j] += s;
  } else {
    CS_OUT[j] = s;
  }
}

@group(0) @binding(1) var<storage, read> LN_X: array<f32>;
@group(0) @binding(2) var<storage, read> LN_W: array<f32>;
@group(0) @binding(3) var<storage, read> LN_DY: array<f32>;
@group(0) @binding(4) var<storage, read_write> LN_DX: array<f32>;
@group(0) @binding(5) var<storage, read_write> LN_STATS: array<f32>;

@compute @workgroup_size(64)
fn layernorm_dx(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.a) {
    return; // uniform per workgroup
  }
  let d = p.b;
  let eps = bitcast<f32>(p.c);
  let o = row * d;
  var s = 0.0;
  for (var i = lid; i < d; i += 64u) {
    s += LN_X[o + i];
  }
  let mean = wg_sum(lid, s) / f32(d);
  var v = 0.0;
  for (var i = lid; i < d; i += 64u) {
    let c = LN_X[o + i] - mean;
    v += c * c;
  }
  let inv = inverseSqrt(wg_sum(lid, v) / f32(d) + eps);
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid; i < d; i += 64u) {
    let g = LN_DY[o + i] * LN_W[i];
    sg += g;
    sgx += g * (LN_X[o + i] - mean) * inv;
  }
  let sum_g = wg_sum(lid, sg);
  let sum_gx = wg_sum(lid, sgx);
  for (var i = lid; i < d; i += 64u) {
    let xhat = (LN_X[o + i] - mean) * inv;
    let dx = inv * (LN_DY[o + i] * LN_W[i] - sum_g / f32(d) - xhat * sum_gx / f32(d));
    if (ACCUMULATE) {
      LN_DX[o + i] += dx;
    } else {
      LN_DX[o + i] = dx;
    }
  }
  if (lid == 0u) {
    LN_STATS[row * 2u] = mean;
    LN_STATS[row * 2u + 1u] = inv;
  }
}

// layernorm_dx_rows: layernorm_dx with one invocation per row (rows = ceil(rows / 64) workgroups
// of 64, row = flat index), no workgroup memory; for CPU adapters (see Kernels.rowPerInvocation).
@compute @workgroup_size(64)
fn layernorm_dx_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = flat(wid, nwg, lid);
  if (row >= p.a) {
    return;
  }
  let d = p.b;
  let fd = f32(d);
  let o = row * d;
  var s = 0.0;
  for (var i = 0u; i < d; i++) {
    s += LN_X[o + i];
  }
  let mean = s / fd;
  var v = 0.0;
  for (var i = 0u; i < d; i++) {
    let c = LN_X[o + i] - mean;
    v += c * c;
  }
  let inv = inverseSqrt(v / fd + bitcast<f32>(p.c));
  var sum_g = 0.0;
  var sum_gx = 0.0;
  for (var i = 0u; i < d; i++) {
    let g = LN_DY[o + i] * LN_W[i];
    sum_g += g;
    sum_gx += g * (LN_X[o + i] - mean) * inv;
  }
  for (var i = 0u; i < d; i++) {
    let xhat = (LN_X[o + i] - mean) * inv;
    let dx = inv * (LN_DY[o + i] * LN_W[i] - sum_g / fd - xhat * sum_gx / fd);
    if (ACCUMULATE) {
      LN_DX[o + i] += dx;
    } else {
      LN_DX[o + i] = dx;
    }
  }
  LN_STATS[row * 2u] = mean;
  LN_STATS[row * 2u + 1u] = inv;
}

@group(0) @binding(1) var<storage, read> LW_X: array<f32>;
@group(0) @binding(2) var<storage, read> LW_DY: array<f32>;
@group(0) @binding(3) var<storage, read> LW_STATS: array<f32>;
@group(0) @binding(4) var<storage, read_write> LW_DW: array<f32>;
@group(0) @binding(5) var<storage, read_write> LW_DB: array<f32>;

@compute @workgroup_size(64)
fn layernorm_dwdb(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  let d = p.b;
  if (i >= d) {
    return;
  }
  var dw = 0.0;
  var db = 0.0;
  for (var r = 0u; r < p.a; r++) {
    let g = LW_DY[r * d + i];
    dw += g * (LW_X[r * d + i] - LW_STATS[r * 2u]) * LW_STATS[r * 2u + 1u];
    db += g;
  }
  LW_DW[i] += dw;
  LW_DB[i] += db;
}

@group(0) @binding(1) var<storage, read> AT_P: array<f32>;
@group(0) @binding(2) var<storage, read_write> AT_DS: array<f32>;

@compute @workgroup_size(64)
fn attention_softmax_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = flat(wid, nwg, lid);
  let T = p.b;
  if (idx >= p.a * T * p.c) {
    return;
  }
  let i = (idx / p.c) % T; // query position
  let base = idx * T;
  let scale = inverseSqrt(f32(p.d));
  var dot = 0.0;
  for (var j = 0u; j <= i; j++) {
    dot += AT_P[base + j] * AT_DS[base + j];
  }
  for (var j = 0u; j <= i; j++) {
    AT_DS[base + j] = AT_P[base + j] * (AT_DS[base + j] - dot) * scale;
  }
  for (var j = i + 1u; j < T; j++) {
    AT_DS[base + j] = 0.0;
  }
}

@group(0) @binding(1) var<storage, read> EB_TOK: array<u32>;
@group(0) @binding(2) var<storage, read> EB_DRESID: array<f32>;
@group(0) @binding(3) var<storage, read_write> EB_DWE: array<f32>;
@group(0) @binding(4) var<storage, read_write> EB_DWPOS: array<f32>;

@compute @workgroup_size(64)
fn embed_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = flat(wid, nwg, lid);
  let rows = p.a;
  let T = p.b;
  let d = p.c;
  let V = p.d;
  if (idx >= (V + T) * d) {
    return;
  }
  let table_row = idx / d;
  let i = idx % d;
  var s = 0.0;
  if (table_row < V) {
    for (var r = 0u; r < rows; r++) {
      if (EB_TOK[r] == table_row) {
        s += EB_DRESID[r * d + i];
      }
    }
    EB_DWE[table_row * d + i] = s;
  } else {
    let t = table_row - V;
    for (var r = t; r < rows; r += T) {
      s += EB_DRESID[r * d + i];
    }
    EB_DWPOS[t * d + i] = s;
  }
}

@group(0) @binding(1) var<storage, read> CE_LOGITS: array<f32>;
@group(0) @binding(2) var<storage, read> CE_TARGET: array<u32>;
@group(0) @binding(3) var<storage, read_write> CE_DLOGITS: array<f32>;
@group(0) @binding(4) var<storage, read_write> CE_LOSS: array<f32>;

@compute @workgroup_size(64)
fn cross_entropy(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = flat(wid, nwg, lid);
  let V = p.b;
  if (r >= p.a) {
    return;
  }
  let o = r * V;
  let tgt = CE_TARGET[r];
  if (tgt == 0xffffffffu) {
    for (var i = 0u; i < V; i++) {
      CE_DLOGITS[o + i] = 0.0;
    }
    CE_LOSS[r] = 0.0;
    return;
  }
  var mx = -3.0e38;
  for (var i = 0u; i < V; i++) {
    mx = max(mx, CE_LOGITS[o + i]);
  }
  var sum = 0.0;
  for (var i = 0u; i < V; i++) {
    sum += exp(CE_LOGITS[o + i] - mx);
  }
  let inv_count = 1.0 / f32(p.c);
  for (var i = 0u; i < V; i++) {
    CE_DLOGITS[o + i] = exp(CE_LOGITS[o + i] - mx) / sum * inv_count;
  }
  CE_DLOGITS[o + tgt] -= inv_count;
  CE_LOSS[r] = log(sum) + mx - CE_LOGITS[o + tgt];
}

struct AdamParams { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32 }
@group(0) @binding(0) var<uniform> q: AdamParams;
@group(0) @binding(1) var<storage, read_write> AD_PARAM: array<f32>;
@group(0) @binding(2) var<storage, read> AD_GRAD: array<f32>;
@group(0) @binding(3) var<storage, read_write> AD_M: array<f32>;
@group(0) @binding(4) var<storage, read_write> AD_V: array<f32>;
@group(0) @binding(5) var<storage, read> AD_SCALE: array<f32>;

@compute @workgroup_size(64)
fn adamw(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= q.n) {
    return;
  }
  let g = AD_GRAD[i] * AD_SCALE[0];
  let w = AD_PARAM[i] * (1.0 - q.lr * q.wd);
  let m = q.beta1 * AD_M[i] + (1.0 - q.beta1) * g;
  let v = q.beta2 * AD_V[i] + (1.0 - q.beta2) * g * g;
  AD_M[i] = m;
  AD_V[i] = v;
  AD_PARAM[i] = w - q.lr * (m / q.bc1) / (sqrt(v / q.bc2) + q.eps);
}

@group(0) @binding(1) var<storage, read> GF_X: array<f32>;
@group(0) @binding(2) var<storage, read_write> GF_OUT: array<f32>;

@compute @workgroup_size(64)
fn gelu_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat(wid, nwg, lid);
  if (i >= p.a) {
    return;
  }
  let x = GF_X[i];
  if (MODE == 1u) {
    GF_OUT[i] = 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476));
  } else {
    let u = clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0);
    let e = exp(2.0 * u);
    GF_OUT[i] = 0.5 * x * (1.0 + (e - 1.0) / (e + 1.0));
  }
}

@group(0) @binding(1) var<storage, read> SQ_X: array<f32>;
@group(0) @binding(2) var<storage, read_write> SQ_PARTIAL: array<f32>;

@compute @workgroup_size(64)
fn sumsq(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.a; i += 64u) {
    let x = SQ_X[i];
    s += x * x;
  }
  let total = wg_sum(lid, s);
  if (lid == 0u) {
    SQ_PARTIAL[p.b] = total;
  }
}

@group(0) @binding(1) var<storage, read> CL_PARTIAL: array<f32>;
@group(0) @binding(2) var<storage, read_write> CL_SCALE: array<f32>;

@compute @workgroup_size(64)
fn clip_scale(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.a; i += 64u) {
    s += CL_PARTIAL[i];
  }
  let norm = sqrt(wg_sum(lid, s));
  if (lid == 0u) {
    let max_norm = bitcast<f32>(p.b);
    CL_SCALE[0] = select(1.0, max_norm / norm, norm > max_norm);
    CL_SCALE[1] = norm;
  }
}
