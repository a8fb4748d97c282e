// Trains a transformer in WGSL: forward with every activation the backward needs kept, the full
// backward, global-norm gradient clipping and AdamW, all recorded into one command buffer per step.
// The same code path runs in the browser. Shapes: rows = B*T, d = dModel, hd = nHeads*dHead.
import * as bk from '../gpu/backward-kernels';
import { dataBuffer, downloadFloats, emptyBuffer, readbackBuffer, readFloats, writeArray } from '../gpu/buffers';
import { encodePlan, type Kernels, type Step } from '../gpu/kernels';
import type { Model, ModelWeights } from '../model/weights';
import type { AdamWConfig } from './cpu-backward';
import type { TokenBatch } from './data';
import { CheckpointError } from './checkpoint';

interface Param {
  name: string;
  n: number;
  buf: GPUBuffer;
  grad: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  decay: boolean;
  opt: ReturnType<typeof bk.adamW>;
}

export interface TrainerOptions {
  batch: number;
  adam: Omit<AdamWConfig, 'lr'>;
  clipNorm: number;
}

/** Canonical weights ↔ the flat list of trainable tensors (Q, K, V fused as on the inference path). */
function flatten(w: ModelWeights, d: number, hd: number): Array<[string, Float32Array, boolean]> {
  const out: Array<[string, Float32Array, boolean]> = [['wE', w.wE, true], ['wPos', w.wPos, true]];
  w.layers.forEach((L, l) => {
    const qkv = new Float32Array(d * 3 * hd);
    for (let i = 0; i < d; i++) {
      qkv.set(L.wQ.subarray(i * hd, (i + 1) * hd), i * 3 * hd);
      qkv.set(L.wK.subarray(i * hd, (i + 1) * hd), i * 3 * hd + hd);
      qkv.set(L.wV.subarray(i * hd, (i + 1) * hd), i * 3 * hd + 2 * hd);
    }
    out.push([`${l}.ln1W`, L.ln1W, false], [`${l}.ln1B`, L.ln1B, false], [`${l}.wQKV`, qkv, true],
      [`${l}.bQKV`, Float32Array.from([...L.bQ, ...L.bK, ...L.bV]), false], [`${l}.wO`, L.wO, true], [`${l}.bO`, L.bO, false],
      [`${l}.ln2W`, L.ln2W, false], [`${l}.ln2B`, L.ln2B, false], [`${l}.wIn`, L.wIn, true], [`${l}.bIn`, L.bIn, false],
      [`${l}.wOut`, L.wOut, true], [`${l}.bOut`, L.bOut, false]);
  });
  out.push(['lnFW', w.lnFW, false], ['lnFB', w.lnFB, false], ['wU', w.wU, true], ['bU', w.bU, false]);
  return out;
}

/** The inverse of flatten. */
export function unflatten(get: (name: string) => Float32Array, nLayers: number, d: number, hd: number): ModelWeights {
  const layers = Array.from({ length: nLayers }, (_, l) => {
    const qkv = get(`${l}.wQKV`), bqkv = get(`${l}.bQKV`);
    const [wQ, wK, wV] = [0, 1, 2].map((part) => {
      const a = new Float32Array(d * hd);
      for (let i = 0; i < d; i++) a.set(qkv.subarray(i * 3 * hd + part * hd, i * 3 * hd + (part + 1) * hd), i * hd);
      return a;
    });
    return {
      ln1W: get(`${l}.ln1W`), ln1B: get(`${l}.ln1B`), wQ, wK, wV,
      bQ: bqkv.slice(0, hd), bK: bqkv.slice(hd, 2 * hd), bV: bqkv.slice(2 * hd),
      wO: get(`${l}.wO`), bO: get(`${l}.bO`), ln2W: get(`${l}.ln2W`), ln2B: get(`${l}.ln2B`),
      wIn: get(`${l}.wIn`), bIn: get(`${l}.bIn`), wOut: get(`${l}.wOut`), bOut: get(`${l}.bOut`),
    };
  });
  return { wE: get('wE'), wPos: get('wPos'), layers, lnFW: get('lnFW'), lnFB: get('lnFB'), wU: get('wU'), bU: get('bU') };
}

export class GpuModelTrainer {
  readonly params: Param[];
  private readonly byName = new Map<string, Param>();
  private readonly tokens: GPUBuffer;
  private readonly targets: GPUBuffer;
  private readonly lossRows: GPUBuffer;
  private readonly lossReadback: GPUBuffer;
  private readonly normReadback: GPUBuffer;
  private readonly scale: GPUBuffer;
  private readonly gradSteps: Step[];
  private readonly updateSteps: Step[];
  private readonly ceUniform: GPUBuffer;
  private readonly owned: GPUBuffer[] = [];
  readonly T: number;

  constructor(private readonly k: Kernels, readonly model: Model, readonly options: TrainerOptions) {
    const c = model.config, dev = k.device;
    const B = options.batch, T = c.nCtx, rows = B * T, d = c.dModel, H = c.nHeads, dh = c.dHead, hd = H * dh, m = c.dMlp, V = c.dVocab;
    if (c.normalization !== 'LN') throw new Error('training needs LayerNorm with affine parameters (normalization_type "LN")');
    this.T = T;
    const buf = (floats: number, label: string) => { const b = emptyBuffer(dev, floats * 4, label); this.owned.push(b); return b; };
    this.params = flatten(model.weights, d, hd).map(([name, data, decay]) => {
      const p = { name, n: data.length, buf: dataBuffer(dev, data, name), grad: buf(data.length, `d${name}`), m: buf(data.length, `m${name}`), v: buf(data.length, `v${name}`), decay } as Param;
      this.owned.push(p.buf);
      this.byName.set(name, p);
      return p;
    });
    const P = (name: string) => this.byName.get(name)!.buf;
    const G = (name: string) => this.byName.get(name)!.grad;
    this.tokens = buf(rows, 'tokens');
    this.targets = buf(rows, 'targets');
    this.lossRows = buf(rows, 'loss');
    this.scale = buf(2, 'clip');
    this.lossReadback = readbackBuffer(dev, rows * 4);
    this.normReadback = readbackBuffer(dev, 8);
    this.owned.push(this.lossReadback, this.normReadback);

    // Activations kept for the backward pass.
    const resid = Array.from({ length: c.nLayers + 1 }, (_, l) => buf(rows * d, `resid${l}`));
    const per = (floats: number, label: string) => Array.from({ length: c.nLayers }, (_, l) => buf(floats, `${label}${l}`));
    const ln1 = per(rows * d, 'ln1'), qkv = per(rows * 3 * hd, 'qkv'), pattern = per(rows * H * T, 'pattern'), z = per(rows * hd, 'z');
    const mid = per(rows * d, 'mid'), ln2 = per(rows * d, 'ln2'), hPre = per(rows * m, 'hPre'), hPost = per(rows * m, 'hPost');
    const emb = buf(rows * d, 'emb'), pos = buf(rows * d, 'pos'), scratchD = buf(rows * d, 'scratch'), lnF = buf(rows * d, 'lnF');
    const logits = buf(rows * V, 'logits'), dLogits = buf(rows * V, 'dLogits');
    const dResid = buf(rows * d, 'dResid'), dLn = buf(rows * d, 'dLn'), dH = buf(rows * m, 'dH'), dHPre = buf(rows * m, 'dHPre');
    const dZ = buf(rows * hd, 'dZ'), dQKV = buf(rows * 3 * hd, 'dQKV'), dS = buf(rows * H * T, 'dS'), stats = buf(rows * 2, 'stats');
    const exact = c.gelu === 'exact';

    const s: Step[] = [k.embed(this.tokens, P('wE'), P('wPos'), emb, pos, resid[0], rows, T, d)];
    for (let l = 0; l < c.nLayers; l++) {
      s.push(
        k.layerNorm(resid[l], P(`${l}.ln1W`), P(`${l}.ln1B`), ln1[l], rows, d, c.eps),
        k.matmul(ln1[l], P(`${l}.wQKV`), P(`${l}.bQKV`), qkv[l], rows, d, 3 * hd),
        ...k.attention(qkv[l], pattern[l], z[l], B, T, H, dh),
        k.matmul(z[l], P(`${l}.wO`), P(`${l}.bO`), scratchD, rows, hd, d),
        k.add(resid[l], scratchD, mid[l], rows * d),
        k.layerNorm(mid[l], P(`${l}.ln2W`), P(`${l}.ln2B`), ln2[l], rows, d, c.eps),
        k.matmul(ln2[l], P(`${l}.wIn`), P(`${l}.bIn`), hPre[l], rows, d, m),
        bk.geluForward(k, hPre[l], hPost[l], rows * m, exact),
        k.matmul(hPost[l], P(`${l}.wOut`), P(`${l}.bOut`), scratchD, rows, m, d),
        k.add(mid[l], scratchD, resid[l + 1], rows * d),
      );
    }
    const L = c.nLayers;
    s.push(k.layerNorm(resid[L], P('lnFW'), P('lnFB'), lnF, rows, d, c.eps), k.matmul(lnF, P('wU'), P('bU'), logits, rows, d, V));
    this.ceUniform = k.uniform([rows, V, 1, 0]); // the target count changes per batch
    s.push(bk.crossEntropy(k, logits, this.targets, dLogits, this.lossRows, rows, V, 1, this.ceUniform));
    // Backward.
    s.push(
      k.matmulEx(lnF, dLogits, G('wU'), d, rows, V, { transA: true }),
      bk.colsum(k, dLogits, G('bU'), rows, V),
      k.matmulEx(dLogits, P('wU'), dLn, rows, V, d, { transB: true }),
      bk.layerNormDx(k, resid[L], P('lnFW'), dLn, dResid, stats, rows, d, c.eps),
      bk.layerNormDwDb(k, resid[L], dLn, stats, G('lnFW'), G('lnFB'), rows, d),
    );
    for (let l = L - 1; l >= 0; l--) {
      s.push(
        k.matmulEx(hPost[l], dResid, G(`${l}.wOut`), m, rows, d, { transA: true }),
        bk.colsum(k, dResid, G(`${l}.bOut`), rows, d),
        k.matmulEx(dResid, P(`${l}.wOut`), dH, rows, d, m, { transB: true }),
        bk.geluBackward(k, hPre[l], dH, dHPre, rows * m, exact),
        k.matmulEx(ln2[l], dHPre, G(`${l}.wIn`), d, rows, m, { transA: true }),
        bk.colsum(k, dHPre, G(`${l}.bIn`), rows, m),
        k.matmulEx(dHPre, P(`${l}.wIn`), dLn, rows, m, d, { transB: true }),
        bk.layerNormDx(k, mid[l], P(`${l}.ln2W`), dLn, dResid, stats, rows, d, c.eps, true),
        bk.layerNormDwDb(k, mid[l], dLn, stats, G(`${l}.ln2W`), G(`${l}.ln2B`), rows, d),
        k.matmulEx(z[l], dResid, G(`${l}.wO`), hd, rows, d, { transA: true }),
        bk.colsum(k, dResid, G(`${l}.bO`), rows, d),
        k.matmulEx(dResid, P(`${l}.wO`), dZ, rows, d, hd, { transB: true }),
        ...bk.attentionBackward(k, qkv[l], pattern[l], dZ, dS, dQKV, B, T, H, dh),
        k.matmulEx(ln1[l], dQKV, G(`${l}.wQKV`), d, rows, 3 * hd, { transA: true }),
        bk.colsum(k, dQKV, G(`${l}.bQKV`), rows, 3 * hd),
        k.matmulEx(dQKV, P(`${l}.wQKV`), dLn, rows, 3 * hd, d, { transB: true }),
        bk.layerNormDx(k, resid[l], P(`${l}.ln1W`), dLn, dResid, stats, rows, d, c.eps, true),
        bk.layerNormDwDb(k, resid[l], dLn, stats, G(`${l}.ln1W`), G(`${l}.ln1B`), rows, d),
      );
    }
    s.push(bk.embedBackward(k, this.tokens, dResid, G('wE'), G('wPos'), rows, T, d, V));
    this.gradSteps = s;
    const partial = buf(this.params.length, 'partials');
    this.updateSteps = [
      ...this.params.map((p, i) => bk.sumSquares(k, p.grad, partial, p.n, i)),
      bk.clipScale(k, partial, this.scale, this.params.length, options.clipNorm),
    ];
    for (const p of this.params) {
      p.opt = bk.adamW(k, p.buf, p.grad, p.m, p.v, this.scale, p.n, p.decay);
      this.updateSteps.push(p.opt.step);
    }
  }

  private encode(batch: TokenBatch, update: boolean, step: number, lr: number): GPUCommandEncoder {
    if (batch.B !== this.options.batch || batch.T !== this.T) throw new Error(`batch is ${batch.B}x${batch.T}, the trainer was built for ${this.options.batch}x${this.T}`);
    const dev = this.k.device;
    writeArray(dev, this.tokens, batch.tokens);
    writeArray(dev, this.targets, batch.targets);
    this.k.writeUniform(this.ceUniform, [batch.B * batch.T, this.model.config.dVocab, Math.max(1, batch.count), 0]);
    if (update) for (const p of this.params) p.opt.setStep(step, { ...this.options.adam, lr });
    const enc = dev.createCommandEncoder({ label: 'train step' });
    for (const p of this.params) if (p.name.includes('ln')) enc.clearBuffer(p.grad); // LayerNorm grads accumulate
    encodePlan(enc, this.gradSteps);
    if (update) encodePlan(enc, this.updateSteps);
    return enc;
  }

  /** One optimiser step (`step` counts from 1); returns the mean loss and the pre-clipping gradient norm. */
  async step(batch: TokenBatch, step: number, lr: number): Promise<{ loss: number; gradNorm: number }> {
    const enc = this.encode(batch, true, step, lr);
    const rows = batch.B * batch.T;
    enc.copyBufferToBuffer(this.lossRows, 0, this.lossReadback, 0, rows * 4);
    enc.copyBufferToBuffer(this.scale, 0, this.normReadback, 0, 8);
    this.k.device.queue.submit([enc.finish()]);
    const losses = await readFloats(this.lossReadback, rows);
    const [, gradNorm] = await readFloats(this.normReadback, 2);
    return { loss: losses.reduce((a, b) => a + b, 0) / Math.max(1, batch.count), gradNorm };
  }

  /** Gradients of the mean loss for one batch, without updating anything (for tests). */
  async gradients(batch: TokenBatch): Promise<ModelWeights> {
    const enc = this.encode(batch, false, 1, 0);
    this.k.device.queue.submit([enc.finish()]);
    return this.download((p) => p.grad);
  }

  /** The current weights, in the canonical layout. */
  async weights(): Promise<ModelWeights> {
    return this.download((p) => p.buf);
  }

  /** Optimiser state for checkpoints: name → [param, m, v]. */
  async state(): Promise<Map<string, [Float32Array, Float32Array, Float32Array]>> {
    const out = new Map<string, [Float32Array, Float32Array, Float32Array]>();
    for (const p of this.params) out.set(p.name, [await this.read(p.buf, p.n), await this.read(p.m, p.n), await this.read(p.v, p.n)]);
    return out;
  }

  restoreState(state: Map<string, [Float32Array, Float32Array, Float32Array]>): void {
    for (const p of this.params) {
      const s = state.get(p.name);
      if (!s || s.some((a) => a.length !== p.n)) throw new CheckpointError(`the checkpoint has no state of the right size for ${p.name}: it was made for another model`);
      writeArray(this.k.device, p.buf, s[0]);
      writeArray(this.k.device, p.m, s[1]);
      writeArray(this.k.device, p.v, s[2]);
    }
  }

  private read(b: GPUBuffer, n: number): Promise<Float32Array> {
    return downloadFloats(this.k.device, b, n);
  }

  private async download(which: (p: Param) => GPUBuffer): Promise<ModelWeights> {
    const c = this.model.config;
    const got = new Map<string, Float32Array>();
    for (const p of this.params) got.set(p.name, await this.read(which(p), p.n));
    return unflatten((n) => got.get(n)!, c.nLayers, c.dModel, c.nHeads * c.dHead);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }
}
