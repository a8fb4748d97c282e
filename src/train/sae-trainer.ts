// Trains an SAE in WGSL on activations x [N, d]: loss = mean ‖x - x̂‖² + coef · mean Σ f^p, decoder
// rows kept at unit norm (gradient projected onto the sphere before AdamW, rows renormalised
// after it, as dictionary_learning's ConstrainedAdam). ReLU (L1 or p-annealing), TopK, and gated (the
// penalty and its p-annealing on the gate's ReLU pre-activation).
import * as bk from '../gpu/backward-kernels';
import { dataBuffer, downloadFloats, emptyBuffer, readbackBuffer, readFloats, writeArray } from '../gpu/buffers';
import { encodePlan, SAE_MODE, type Kernels, type Step } from '../gpu/kernels';
import * as st from '../gpu/sae-train-kernels';
import type { Sae } from '../sae/types';

export interface SaeStepResult {
  /** mean ‖x - x̂‖² */
  recon: number;
  /** mean Σ f^p at the current p */
  lp: number;
  /** mean Σ f^pNext (for the p-annealing coefficient update) */
  lpNext: number;
}

type Param = 'wEnc' | 'bEnc' | 'bGate' | 'rMag' | 'bMag' | 'wDec' | 'bDec';
const PARAMS: Record<'relu' | 'topk' | 'gated', Param[]> = {
  relu: ['wEnc', 'bEnc', 'wDec', 'bDec'],
  topk: ['wEnc', 'bEnc', 'wDec', 'bDec'],
  gated: ['wEnc', 'bGate', 'rMag', 'bMag', 'wDec', 'bDec'],
};

interface Graph { steps: Step[]; f: GPUBuffer; penalised: GPUBuffer; setPenalty: (coef: number, p: number) => void }

export class GpuSaeTrainer {
  private readonly names: Param[];
  private readonly buf = {} as Record<Param, GPUBuffer>;
  private readonly grads = {} as Record<Param, GPUBuffer>;
  private readonly sizes: Record<Param, number>;
  private readonly opts: Array<ReturnType<typeof bk.adamW>> = [];
  private readonly x: GPUBuffer;
  private readonly gradSteps: Step[];
  private readonly updateSteps: Step[];
  private readonly setPenalty: (coef: number, p: number) => void;
  private readonly lpNow: ReturnType<typeof st.powRows>;
  private readonly lpNext: ReturnType<typeof st.powRows>;
  private readonly rows: { recon: GPUBuffer; lp: GPUBuffer; lpNext: GPUBuffer };
  private readonly readback: GPUBuffer;
  private readonly owned: GPUBuffer[] = [];
  /** Adam's beta1: 0 for gated SAEs, as in the paper's sweep (spec 4.2) */
  private readonly beta1: number;

  constructor(private readonly k: Kernels, readonly init: Sae, readonly batch: number, clipNorm = 1) {
    if (init.kind !== 'relu' && init.kind !== 'topk' && init.kind !== 'gated') throw new Error(`training ${init.kind} SAEs is not supported`);
    if (init.kind === 'gated' && !init.subtractDecoderBias) throw new Error('gated SAEs subtract the decoder bias from their input');
    const dev = k.device, { dIn: d, dSae: F } = init, B = batch;
    const keep = (b: GPUBuffer) => { this.owned.push(b); return b; };
    const buf = (n: number) => keep(emptyBuffer(dev, n * 4));
    this.names = PARAMS[init.kind];
    this.beta1 = init.kind === 'gated' ? 0 : 0.9;
    this.sizes = { wEnc: d * F, bEnc: F, bGate: F, rMag: F, bMag: F, wDec: F * d, bDec: d };
    const values: Record<Param, Float32Array | undefined> = { wEnc: init.wEnc, bEnc: init.bEnc, bGate: init.bGate, rMag: init.rMag, bMag: init.bMag, wDec: init.wDec, bDec: init.bDec };
    for (const n of this.names) {
      this.buf[n] = keep(dataBuffer(dev, values[n]!));
      this.grads[n] = buf(this.sizes[n]);
    }
    this.x = buf(B * d);
    this.rows = { recon: buf(B), lp: buf(B), lpNext: buf(B) };
    this.readback = keep(readbackBuffer(dev, 3 * B * 4));
    const graph = init.kind === 'gated' ? this.gatedGraph(buf) : this.reluGraph(buf);
    this.setPenalty = graph.setPenalty;
    this.lpNow = st.powRows(k, graph.penalised, this.rows.lp, B, F);
    this.lpNext = st.powRows(k, graph.penalised, this.rows.lpNext, B, F);
    this.gradSteps = [...graph.steps];
    // the penalty statistics read the penalised activations right after the forward pass
    this.gradSteps.splice(this.forwardLength, 0, this.lpNow.step, this.lpNext.step);
    const partial = buf(this.names.length), scale = buf(2);
    const w = this.buf, G = this.grads;
    const u: Step[] = [st.rowProject(k, w.wDec, G.wDec, F, d)];
    this.names.forEach((n, i) => u.push(bk.sumSquares(k, G[n], partial, this.sizes[n], i)));
    u.push(bk.clipScale(k, partial, scale, this.names.length, clipNorm));
    for (const n of this.names) {
      const opt = bk.adamW(k, w[n], G[n], buf(this.sizes[n]), buf(this.sizes[n]), scale, this.sizes[n], false);
      this.opts.push(opt);
      u.push(opt.step);
    }
    u.push(st.rowNormalise(k, w.wDec, F, d));
    this.updateSteps = u;
  }

  /** steps of the forward pass (the penalty statistics go right after them) */
  private forwardLength = 0;

  /** ReLU (L1 / Lp^p penalty on f) and TopK (no penalty). */
  private reluGraph(buf: (n: number) => GPUBuffer): Graph {
    const { k, init, batch: B } = this, { dIn: d, dSae: F } = init, w = this.buf, G = this.grads;
    const xin = init.subtractDecoderBias ? buf(B * d) : this.x;
    const pre = buf(B * F), f = init.kind === 'topk' ? buf(B * F) : pre;
    const xhat = buf(B * d), g = buf(B * d), df = buf(B * F), tmp = buf(B * d), dBDecEnc = buf(d);
    const sparsity = st.sparsityGrad(k, f, df, B * F);
    const s: Step[] = [];
    if (init.subtractDecoderBias) s.push(k.subBias(this.x, w.bDec, xin, B, d));
    s.push(k.matmul(xin, w.wEnc, w.bEnc, pre, B, d, F));
    if (init.kind === 'topk') s.push(k.topk(pre, f, B, F, init.k!));
    else s.push(k.saeActivate(pre, [w.bEnc, w.bEnc, w.bEnc], B, F, SAE_MODE.relu));
    s.push(k.matmul(f, w.wDec, w.bDec, xhat, B, F, d), k.sqError(this.x, xhat, this.rows.recon, B, d));
    this.forwardLength = s.length;
    s.push(
      st.scaledDiff(k, xhat, this.x, g, B * d, 2 / B), // d loss / d x̂
      k.matmulEx(f, g, G.wDec, F, B, d, { transA: true }),
      bk.colsum(k, g, G.bDec, B, d),
      k.matmulEx(g, w.wDec, df, B, d, F, { transB: true }),
      sparsity.step,
      k.matmulEx(xin, df, G.wEnc, d, B, F, { transA: true }),
      bk.colsum(k, df, G.bEnc, B, F),
    );
    if (init.subtractDecoderBias) {
      s.push(k.matmulEx(df, w.wEnc, tmp, B, F, d, { transB: true }), bk.colsum(k, tmp, dBDecEnc, B, d), st.axpy(k, dBDecEnc, G.bDec, d, -1));
    }
    return { steps: s, f, penalised: f, setPenalty: (coef, p) => sparsity.set(coef / B, p) };
  }

  /** Gated (spec 4.1): reconstruction + penalty on ReLU(gate pre-activation) + auxiliary reconstruction through a frozen decoder. */
  private gatedGraph(buf: (n: number) => GPUBuffer): Graph {
    const { k, batch: B } = this, { dIn: d, dSae: F } = this.init, w = this.buf, G = this.grads;
    const xin = buf(B * d), z = buf(B * F), f = buf(B * F), fg = buf(B * F), zeroBias = buf(F);
    const xhat = buf(B * d), xaux = buf(B * d), g = buf(B * d), gaux = buf(B * d);
    const dm = buf(B * F), dg = buf(B * F), dmz = buf(B * F), dz = buf(B * F), tmp = buf(B * d), dBDecEnc = buf(d);
    const back = st.gatedBackward(k, z, w.bGate, w.rMag, w.bMag, dm, dg, dmz, dz, B * F, F);
    const s: Step[] = [
      k.subBias(this.x, w.bDec, xin, B, d),
      k.matmul(xin, w.wEnc, zeroBias, z, B, d, F),
      st.gatedForward(k, z, w.bGate, w.rMag, w.bMag, f, fg, B * F, F),
      k.matmul(f, w.wDec, w.bDec, xhat, B, F, d),
      k.matmul(fg, w.wDec, w.bDec, xaux, B, F, d),
      k.sqError(this.x, xhat, this.rows.recon, B, d),
    ];
    this.forwardLength = s.length;
    s.push(
      st.scaledDiff(k, xhat, this.x, g, B * d, 2 / B),
      st.scaledDiff(k, xaux, this.x, gaux, B * d, 2 / B),
      k.matmulEx(f, g, G.wDec, F, B, d, { transA: true }), // the auxiliary term's decoder is frozen
      bk.colsum(k, g, G.bDec, B, d),
      k.matmulEx(g, w.wDec, dm, B, d, F, { transB: true }),
      k.matmulEx(gaux, w.wDec, dg, B, d, F, { transB: true }),
      back.step,
      bk.colsum(k, dm, G.bMag, B, F),
      bk.colsum(k, dmz, G.rMag, B, F), // dmz already carries exp(r_mag)
      bk.colsum(k, dg, G.bGate, B, F),
      k.matmulEx(xin, dz, G.wEnc, d, B, F, { transA: true }),
      k.matmulEx(dz, w.wEnc, tmp, B, F, d, { transB: true }),
      bk.colsum(k, tmp, dBDecEnc, B, d),
      st.axpy(k, dBDecEnc, G.bDec, d, -1),
    );
    return { steps: s, f, penalised: fg, setPenalty: (coef, p) => back.set(coef / B, p) };
  }

  private encode(x: Float32Array, coef: number, p: number, pNext: number): GPUCommandEncoder {
    if (x.length !== this.batch * this.init.dIn) throw new Error(`SAE batch must be ${this.batch} x ${this.init.dIn}`);
    writeArray(this.k.device, this.x, x);
    this.setPenalty(coef, p);
    this.lpNow.set(p);
    this.lpNext.set(pNext);
    const enc = this.k.device.createCommandEncoder();
    encodePlan(enc, this.gradSteps);
    return enc;
  }

  /** One AdamW step (`t` counts from 1) at learning rate lr, penalty coef · Σ f^p. */
  async step(x: Float32Array, t: number, lr: number, coef: number, p = 1, pNext = p): Promise<SaeStepResult> {
    const enc = this.encode(x, coef, p, pNext);
    for (const o of this.opts) o.setStep(t, { lr, beta1: this.beta1, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    encodePlan(enc, this.updateSteps);
    const B = this.batch;
    enc.copyBufferToBuffer(this.rows.recon, 0, this.readback, 0, B * 4);
    enc.copyBufferToBuffer(this.rows.lp, 0, this.readback, B * 4, B * 4);
    enc.copyBufferToBuffer(this.rows.lpNext, 0, this.readback, 2 * B * 4, B * 4);
    this.k.device.queue.submit([enc.finish()]);
    const r = await readFloats(this.readback, 3 * B);
    const mean = (o: number) => r.subarray(o * B, (o + 1) * B).reduce((a, b) => a + b, 0) / B;
    return { recon: mean(0), lp: mean(1), lpNext: mean(2) };
  }

  /** Gradients for one batch without updating (for tests). */
  async gradients(x: Float32Array, coef: number, p = 1): Promise<Partial<Record<Param, Float32Array>>> {
    this.k.device.queue.submit([this.encode(x, coef, p, p).finish()]);
    const out: Partial<Record<Param, Float32Array>> = {};
    for (const n of this.names) out[n] = await this.read(this.grads[n], this.sizes[n]);
    return out;
  }

  async weights(): Promise<Sae> {
    const out: Sae = { ...this.init };
    for (const n of this.names) out[n] = await this.read(this.buf[n], this.sizes[n]);
    return out;
  }

  private read(b: GPUBuffer, n: number): Promise<Float32Array> {
    return downloadFloats(this.k.device, b, n);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }
}
