// Runs a whole model forward in WGSL: weights are uploaded once; for each (batch, length) a plan of
// buffers, bind groups and steps is built once and reused; one forward = one command encoder.
import { hookNames, hookShape, hookWidth } from '../model/config';
import { checkTokens, ForwardInputError } from '../model/cpu-forward';
import type { Model } from '../model/weights';
import { dataBuffer, emptyBuffer, readbackBuffer, readFloats } from './buffers';
import { ACT, encodePlan, type Kernels, type PlanOp } from './kernels';

interface LayerBuffers {
  ln1W: GPUBuffer; ln1B: GPUBuffer; wQKV: GPUBuffer; bQKV: GPUBuffer; wO: GPUBuffer; bO: GPUBuffer;
  ln2W: GPUBuffer; ln2B: GPUBuffer; wIn: GPUBuffer; bIn: GPUBuffer; wOut: GPUBuffer; bOut: GPUBuffer;
}

interface Plan {
  B: number;
  T: number;
  tokens: GPUBuffer;
  ops: PlanOp[];
  /** buffer of every hook at the moment it is valid, with its size in bytes */
  buffers: GPUBuffer[];
  readbacks: Map<string, GPUBuffer>;
}

export interface GpuForwardResult {
  /** per sequence [T_b, dVocab] */
  logits: Float32Array[];
  /** per hook, per sequence [T_b, ...] (hook_pattern [T_b, nHeads, T_b]) */
  hooks: Map<string, Float32Array[]>;
}

/** Fuses the Q, K, V projections: [d, 3*H*dh] with columns q | k | v. */
function fuseQkv(q: Float32Array, k: Float32Array, v: Float32Array, d: number, hd: number): Float32Array {
  const out = new Float32Array(d * 3 * hd);
  for (let i = 0; i < d; i++) {
    out.set(q.subarray(i * hd, (i + 1) * hd), i * 3 * hd);
    out.set(k.subarray(i * hd, (i + 1) * hd), i * 3 * hd + hd);
    out.set(v.subarray(i * hd, (i + 1) * hd), i * 3 * hd + 2 * hd);
  }
  return out;
}

export class GpuModel {
  private readonly weightBuffers: GPUBuffer[] = [];
  private readonly wE: GPUBuffer;
  private readonly wPos: GPUBuffer;
  private readonly layers: LayerBuffers[];
  private readonly lnFW: GPUBuffer;
  private readonly lnFB: GPUBuffer;
  private readonly wU: GPUBuffer;
  private readonly bU: GPUBuffer;
  private readonly plans = new Map<string, Plan>();
  private readonly hookSet: Set<string>;

  constructor(private readonly kernels: Kernels, readonly model: Model) {
    const { config: c, weights: w } = model;
    const hd = c.nHeads * c.dHead;
    const up = (a: Float32Array, label: string) => {
      const b = dataBuffer(kernels.device, a, label);
      this.weightBuffers.push(b);
      return b;
    };
    this.wE = up(w.wE, 'W_E');
    this.wPos = up(w.wPos, 'W_pos');
    this.layers = w.layers.map((L, l) => ({
      ln1W: up(L.ln1W, `${l}.ln1W`), ln1B: up(L.ln1B, `${l}.ln1B`),
      wQKV: up(fuseQkv(L.wQ, L.wK, L.wV, c.dModel, hd), `${l}.wQKV`),
      bQKV: up(Float32Array.from([...L.bQ, ...L.bK, ...L.bV]), `${l}.bQKV`),
      wO: up(L.wO, `${l}.wO`), bO: up(L.bO, `${l}.bO`),
      ln2W: up(L.ln2W, `${l}.ln2W`), ln2B: up(L.ln2B, `${l}.ln2B`),
      wIn: up(L.wIn, `${l}.wIn`), bIn: up(L.bIn, `${l}.bIn`),
      wOut: up(L.wOut, `${l}.wOut`), bOut: up(L.bOut, `${l}.bOut`),
    }));
    this.lnFW = up(w.lnFW, 'lnFW');
    this.lnFB = up(w.lnFB, 'lnFB');
    this.wU = up(w.wU, 'W_U');
    this.bU = up(w.bU, 'b_U');
    this.hookSet = new Set(hookNames(c));
  }

  private plan(B: number, T: number): Plan {
    const key = `${B}x${T}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const k = this.kernels, dev = k.device, c = this.model.config;
    const rows = B * T, d = c.dModel, hd = c.nHeads * c.dHead, F = 4;
    const buffers: GPUBuffer[] = [];
    const buf = (floats: number, label: string) => {
      const b = emptyBuffer(dev, floats * F, label);
      buffers.push(b);
      return b;
    };
    const tokens = buf(rows, 'tokens');
    const emb = buf(rows * d, 'embed'), pos = buf(rows * d, 'pos');
    const resid = [buf(rows * d, 'residA'), buf(rows * d, 'residB')];
    const mid = buf(rows * d, 'resid_mid'), ln = buf(rows * d, 'ln_out');
    const qkv = buf(rows * 3 * hd, 'qkv'), pattern = buf(rows * c.nHeads * T, 'pattern'), z = buf(rows * hd, 'z');
    const attnOut = buf(rows * d, 'attn_out'), hidden = buf(rows * c.dMlp, 'mlp_post'), mlpOut = buf(rows * d, 'mlp_out');
    const lnF = buf(rows * d, 'ln_final'), logits = buf(rows * c.dVocab, 'logits');
    const act = c.gelu === 'exact' ? ACT.geluExact : ACT.geluTanh;
    const hook = (name: string, buffer: GPUBuffer): PlanOp => ({ hook: name, buffer, bytes: rows * hookWidth(c, name, T) * F });

    const ops: PlanOp[] = [
      k.embed(tokens, this.wE, this.wPos, emb, pos, resid[0], rows, T, d),
      hook('hook_embed', emb), hook('hook_pos_embed', pos),
    ];
    this.layers.forEach((L, l) => {
      const b = `blocks.${l}`, pre = resid[l % 2], post = resid[(l + 1) % 2];
      ops.push(
        hook(`${b}.hook_resid_pre`, pre),
        k.layerNorm(pre, L.ln1W, L.ln1B, ln, rows, d, c.eps),
        k.matmul(ln, L.wQKV, L.bQKV, qkv, rows, d, 3 * hd),
        ...k.attention(qkv, pattern, z, B, T, c.nHeads, c.dHead),
        hook(`${b}.attn.hook_pattern`, pattern),
        k.matmul(z, L.wO, L.bO, attnOut, rows, hd, d),
        hook(`${b}.hook_attn_out`, attnOut),
        k.add(pre, attnOut, mid, rows * d),
        hook(`${b}.hook_resid_mid`, mid),
        k.layerNorm(mid, L.ln2W, L.ln2B, ln, rows, d, c.eps),
        k.matmul(ln, L.wIn, L.bIn, hidden, rows, d, c.dMlp, act),
        hook(`${b}.mlp.hook_post`, hidden),
        k.matmul(hidden, L.wOut, L.bOut, mlpOut, rows, c.dMlp, d),
        hook(`${b}.hook_mlp_out`, mlpOut),
        k.add(mid, mlpOut, post, rows * d),
        hook(`${b}.hook_resid_post`, post),
      );
    });
    const last = resid[c.nLayers % 2];
    ops.push(
      k.layerNorm(last, this.lnFW, this.lnFB, lnF, rows, d, c.eps),
      hook('ln_final.hook_normalized', lnF),
      k.matmul(lnF, this.wU, this.bU, logits, rows, d, c.dVocab),
      { hook: 'logits', buffer: logits, bytes: rows * c.dVocab * F },
    );
    const plan: Plan = { B, T, tokens, ops, buffers, readbacks: new Map() };
    this.plans.set(key, plan);
    return plan;
  }

  /** Runs a batch of token sequences (padded to the longest) and returns logits plus the captured hooks. */
  async forward(batch: ArrayLike<number>[], capture: Iterable<string> = []): Promise<GpuForwardResult> {
    if (batch.length === 0) throw new ForwardInputError('empty batch');
    batch.forEach((seq) => checkTokens(this.model, seq));
    const want = [...new Set(capture)];
    for (const name of want) if (!this.hookSet.has(name)) throw new ForwardInputError(`unknown hook "${name}"`);
    const c = this.model.config;
    const B = batch.length, T = Math.max(...batch.map((s) => s.length));
    const plan = this.plan(B, T);
    const tok = new Uint32Array(B * T); // padding with token 0 only affects positions after each sequence's end
    batch.forEach((seq, b) => { for (let t = 0; t < seq.length; t++) tok[b * T + t] = seq[t]; });
    const dev = this.kernels.device;
    dev.queue.writeBuffer(plan.tokens, 0, tok);
    const copies = new Map<string, GPUBuffer>();
    for (const name of [...want, 'logits']) {
      let rb = plan.readbacks.get(name);
      if (!rb) {
        const width = name === 'logits' ? c.dVocab : hookWidth(c, name, T);
        rb = readbackBuffer(dev, B * T * width * 4, `readback ${name}`);
        plan.readbacks.set(name, rb);
      }
      copies.set(name, rb);
    }
    const enc = dev.createCommandEncoder({ label: 'forward' });
    encodePlan(enc, plan.ops, copies);
    dev.queue.submit([enc.finish()]);

    const split = async (name: string, width: number) => {
      const all = await readFloats(copies.get(name)!, B * T * width);
      return batch.map((seq, b) => all.slice(b * T * width, (b * T + seq.length) * width));
    };
    const logits = await split('logits', c.dVocab);
    const hooks = new Map<string, Float32Array[]>();
    for (const name of want) {
      const perSeq = await split(name, hookWidth(c, name, T));
      hooks.set(name, name.endsWith('hook_pattern') ? perSeq.map((p, b) => compactPattern(p, batch[b].length, c.nHeads, T)) : perSeq);
    }
    return { logits, hooks };
  }

  /** Shape of a hook for a sequence of length T (for writers and callers). */
  hookShape(name: string, T: number): number[] {
    return hookShape(this.model.config, name, T);
  }

  destroy(): void {
    for (const b of this.weightBuffers) b.destroy();
    for (const p of this.plans.values()) {
      for (const b of p.buffers) b.destroy();
      for (const b of p.readbacks.values()) b.destroy();
    }
    this.plans.clear();
  }
}

/** [Tb, H, Tpad] → [Tb, H, Tb]: drops key columns past the sequence's own end. */
function compactPattern(p: Float32Array, Tb: number, H: number, Tpad: number): Float32Array {
  if (Tb === Tpad) return p;
  const out = new Float32Array(Tb * H * Tb);
  for (let i = 0; i < Tb * H; i++) out.set(p.subarray(i * Tpad, i * Tpad + Tb), i * Tb);
  return out;
}
