// Runs an SAE in WGSL: encode (optional b_dec subtraction, matmul, activation), decode (matmul) and
// the per-position squared reconstruction error. Weights are uploaded once, plans cached per N.
import { SaeFormatError, type Sae } from '../sae/types';
import { dataBuffer, emptyBuffer, readbackBuffer, readFloats, writeArray } from './buffers';
import { encodePlan, SAE_MODE, type Kernels, type Step } from './kernels';

interface SaePlan {
  x: GPUBuffer;
  acts: GPUBuffer;
  recon: GPUBuffer;
  err: GPUBuffer;
  steps: Step[];
  own: GPUBuffer[];
  rb: { acts: GPUBuffer; recon: GPUBuffer; err: GPUBuffer };
}

export interface GpuSaeResult {
  acts: Float32Array; // [N, dSae]
  recon: Float32Array; // [N, dIn]
  error: Float32Array; // [N]
}

export class GpuSae {
  private readonly w: Record<'wEnc' | 'bEnc' | 'wDec' | 'bDec' | 'aux0' | 'aux1' | 'aux2', GPUBuffer>;
  private readonly plans = new Map<number, SaePlan>();

  constructor(private readonly kernels: Kernels, readonly sae: Sae) {
    const dev = kernels.device, F = sae.dSae;
    const zeros = new Float32Array(F);
    const aux = sae.kind === 'jumprelu' ? [sae.threshold!, zeros, zeros] : sae.kind === 'gated' ? [sae.bGate!, sae.rMag!, sae.bMag!] : [zeros, zeros, zeros];
    this.w = {
      wEnc: dataBuffer(dev, sae.wEnc, 'W_enc'), bEnc: dataBuffer(dev, sae.bEnc, 'b_enc'),
      wDec: dataBuffer(dev, sae.wDec, 'W_dec'), bDec: dataBuffer(dev, sae.bDec, 'b_dec'),
      aux0: dataBuffer(dev, aux[0]), aux1: dataBuffer(dev, aux[1]), aux2: dataBuffer(dev, aux[2]),
    };
  }

  private plan(N: number): SaePlan {
    const cached = this.plans.get(N);
    if (cached) return cached;
    const k = this.kernels, dev = k.device, s = this.sae, w = this.w;
    const own: GPUBuffer[] = [];
    const buf = (floats: number, label: string) => { const b = emptyBuffer(dev, floats * 4, label); own.push(b); return b; };
    const x = buf(N * s.dIn, 'sae_in');
    const input = s.subtractDecoderBias ? buf(N * s.dIn, 'sae_in_centred') : x;
    const pre = buf(N * s.dSae, 'sae_pre');
    const acts = s.kind === 'topk' ? buf(N * s.dSae, 'sae_acts') : pre;
    const recon = buf(N * s.dIn, 'sae_out'), err = buf(N, 'sae_err');
    const steps: Step[] = [];
    if (s.subtractDecoderBias) steps.push(k.subBias(x, w.bDec, input, N, s.dIn));
    steps.push(k.matmul(input, w.wEnc, w.bEnc, pre, N, s.dIn, s.dSae));
    if (s.kind === 'topk') steps.push(k.topk(pre, acts, N, s.dSae, s.k!));
    else steps.push(k.saeActivate(pre, [w.aux0, w.aux1, w.aux2], N, s.dSae, SAE_MODE[s.kind]));
    steps.push(k.matmul(acts, w.wDec, w.bDec, recon, N, s.dSae, s.dIn), k.sqError(x, recon, err, N, s.dIn));
    const rb = { acts: readbackBuffer(dev, N * s.dSae * 4), recon: readbackBuffer(dev, N * s.dIn * 4), err: readbackBuffer(dev, N * 4) };
    own.push(rb.acts, rb.recon, rb.err);
    const plan = { x, acts, recon, err, steps, own, rb };
    this.plans.set(N, plan);
    return plan;
  }

  /** Encodes and decodes x [N, dIn]. */
  async run(x: Float32Array, N: number): Promise<GpuSaeResult> {
    const s = this.sae;
    if (x.length !== N * s.dIn) throw new SaeFormatError(`SAE input has ${x.length} values; ${N} positions of d_in ${s.dIn} need ${N * s.dIn}`);
    const p = this.plan(N), dev = this.kernels.device;
    writeArray(dev, p.x, x);
    const enc = dev.createCommandEncoder({ label: 'sae' });
    encodePlan(enc, p.steps);
    enc.copyBufferToBuffer(p.acts, 0, p.rb.acts, 0, N * s.dSae * 4);
    enc.copyBufferToBuffer(p.recon, 0, p.rb.recon, 0, N * s.dIn * 4);
    enc.copyBufferToBuffer(p.err, 0, p.rb.err, 0, N * 4);
    dev.queue.submit([enc.finish()]);
    return {
      acts: await readFloats(p.rb.acts, N * s.dSae),
      recon: await readFloats(p.rb.recon, N * s.dIn),
      error: await readFloats(p.rb.err, N),
    };
  }

  destroy(): void {
    for (const b of Object.values(this.w)) b.destroy();
    for (const p of this.plans.values()) for (const b of p.own) b.destroy();
    this.plans.clear();
  }
}
