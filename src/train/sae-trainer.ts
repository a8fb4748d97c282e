// Trains an SAE in WGSL on activations x [N, d]: loss = mean ‖x - x̂‖² + coef · mean Σ f^p, decoder
// rows kept at unit norm (gradient projected onto the sphere before AdamW, rows renormalised
// after it, as dictionary_learning's ConstrainedAdam). ReLU (L1 or p-annealing) and TopK.
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

const NAMES = ['wEnc', 'bEnc', 'wDec', 'bDec'] as const;

export class GpuSaeTrainer {
  private readonly buf: Record<(typeof NAMES)[number], GPUBuffer>;
  private readonly grads: Record<(typeof NAMES)[number], GPUBuffer>;
  private readonly opts: Array<ReturnType<typeof bk.adamW>> = [];
  private readonly x: GPUBuffer;
  private readonly gradSteps: Step[];
  private readonly updateSteps: Step[];
  private readonly sparsity: ReturnType<typeof st.sparsityGrad>;
  private readonly lpNow: ReturnType<typeof st.powRows>;
  private readonly lpNext: ReturnType<typeof st.powRows>;
  private readonly rows: { recon: GPUBuffer; lp: GPUBuffer; lpNext: GPUBuffer };
  private readonly readback: GPUBuffer;
  private readonly owned: GPUBuffer[] = [];

  constructor(private readonly k: Kernels, readonly init: Sae, readonly batch: number, clipNorm = 1) {
    if (init.kind !== 'relu' && init.kind !== 'topk') throw new Error(`training ${init.kind} SAEs is not supported`);
    const dev = k.device, { dIn: d, dSae: F } = init, B = batch;
    const keep = (b: GPUBuffer) => { this.owned.push(b); return b; };
    const buf = (n: number) => keep(emptyBuffer(dev, n * 4));
    const sizes = { wEnc: d * F, bEnc: F, wDec: F * d, bDec: d };
    this.buf = { wEnc: keep(dataBuffer(dev, init.wEnc)), bEnc: keep(dataBuffer(dev, init.bEnc)), wDec: keep(dataBuffer(dev, init.wDec)), bDec: keep(dataBuffer(dev, init.bDec)) };
    this.grads = { wEnc: buf(sizes.wEnc), bEnc: buf(F), wDec: buf(sizes.wDec), bDec: buf(d) };
    this.x = buf(B * d);
    const xin = init.subtractDecoderBias ? buf(B * d) : this.x;
    const pre = buf(B * F), f = init.kind === 'topk' ? buf(B * F) : pre;
    const xhat = buf(B * d), g = buf(B * d), df = buf(B * F), tmp = buf(B * d), dBDecEnc = buf(d);
    this.rows = { recon: buf(B), lp: buf(B), lpNext: buf(B) };
    this.readback = keep(readbackBuffer(dev, 3 * B * 4));
    const w = this.buf, G = this.grads;
    this.sparsity = st.sparsityGrad(k, f, df, B * F);
    this.lpNow = st.powRows(k, f, this.rows.lp, B, F);
    this.lpNext = st.powRows(k, f, this.rows.lpNext, B, F);
    const s: Step[] = [];
    if (init.subtractDecoderBias) s.push(k.subBias(this.x, w.bDec, xin, B, d));
    s.push(k.matmul(xin, w.wEnc, w.bEnc, pre, B, d, F));
    if (init.kind === 'topk') s.push(k.topk(pre, f, B, F, init.k!));
    else s.push(k.saeActivate(pre, [w.bEnc, w.bEnc, w.bEnc], B, F, SAE_MODE.relu));
    s.push(
      k.matmul(f, w.wDec, w.bDec, xhat, B, F, d),
      k.sqError(this.x, xhat, this.rows.recon, B, d),
      this.lpNow.step, this.lpNext.step,
      st.scaledDiff(k, xhat, this.x, g, B * d, 2 / B), // d loss / d x̂
      k.matmulEx(f, g, G.wDec, F, B, d, { transA: true }),
      bk.colsum(k, g, G.bDec, B, d),
      k.matmulEx(g, w.wDec, df, B, d, F, { transB: true }),
      this.sparsity.step,
      k.matmulEx(xin, df, G.wEnc, d, B, F, { transA: true }),
      bk.colsum(k, df, G.bEnc, B, F),
    );
    if (init.subtractDecoderBias) {
      s.push(k.matmulEx(df, w.wEnc, tmp, B, F, d, { transB: true }), bk.colsum(k, tmp, dBDecEnc, B, d), st.axpy(k, dBDecEnc, G.bDec, d, -1));
    }
    this.gradSteps = s;
    const partial = buf(4), scale = buf(2);
    const u: Step[] = [st.rowProject(k, w.wDec, G.wDec, F, d)];
    NAMES.forEach((n, i) => u.push(bk.sumSquares(k, G[n], partial, sizes[n], i)));
    u.push(bk.clipScale(k, partial, scale, 4, clipNorm));
    for (const n of NAMES) {
      const opt = bk.adamW(k, w[n], G[n], buf(sizes[n]), buf(sizes[n]), scale, sizes[n], false);
      this.opts.push(opt);
      u.push(opt.step);
    }
    u.push(st.rowNormalise(k, w.wDec, F, d));
    this.updateSteps = u;
  }

  private encode(x: Float32Array, coef: number, p: number, pNext: number): GPUCommandEncoder {
    if (x.length !== this.batch * this.init.dIn) throw new Error(`SAE batch must be ${this.batch} x ${this.init.dIn}`);
    writeArray(this.k.device, this.x, x);
    this.sparsity.set(coef / this.batch, p);
    this.lpNow.set(p);
    this.lpNext.set(pNext);
    const enc = this.k.device.createCommandEncoder();
    encodePlan(enc, this.gradSteps);
    return enc;
  }

  /** One AdamW step (`t` counts from 1) at learning rate lr, penalty coef · Σ f^p. */
  async step(x: Float32Array, t: number, lr: number, coef: number, p = 1, pNext = p): Promise<SaeStepResult> {
    const enc = this.encode(x, coef, p, pNext);
    for (const o of this.opts) o.setStep(t, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
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
  async gradients(x: Float32Array, coef: number, p = 1): Promise<Record<(typeof NAMES)[number], Float32Array>> {
    this.k.device.queue.submit([this.encode(x, coef, p, p).finish()]);
    const out = {} as Record<(typeof NAMES)[number], Float32Array>;
    for (const n of NAMES) out[n] = await this.read(this.grads[n], n === 'wEnc' || n === 'wDec' ? this.init.dIn * this.init.dSae : n === 'bEnc' ? this.init.dSae : this.init.dIn);
    return out;
  }

  async weights(): Promise<Sae> {
    const { dIn: d, dSae: F } = this.init;
    return { ...this.init, wEnc: await this.read(this.buf.wEnc, d * F), bEnc: await this.read(this.buf.bEnc, F), wDec: await this.read(this.buf.wDec, F * d), bDec: await this.read(this.buf.bDec, d) };
  }

  private read(b: GPUBuffer, n: number): Promise<Float32Array> {
    return downloadFloats(this.k.device, b, n);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }
}
