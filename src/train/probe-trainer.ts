// Linear probes trained in WGSL: for activations X [N, d] and per-square labels Y [N, 64] in
// 0..C-1, logits = X W + b with W [d, 64*C], read as [N*64, C] rows, trained with softmax
// cross-entropy and AdamW on mini-batches (the model kernels: matmul, cross_entropy, colsum, adamw).
import * as bk from '../gpu/backward-kernels';
import { dataBuffer, downloadFloats, emptyBuffer, writeArray } from '../gpu/buffers';
import { encodePlan, type Kernels, type Step } from '../gpu/kernels';
import { mulberry32 } from '../games/othello/generator';
import { randomArray } from '../model/random';

export interface ProbeWeights {
  d: number;
  classes: number;
  W: Float32Array; // [d, 64, classes]
  b: Float32Array; // [64, classes]
}

export interface ProbeTrainOptions {
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  seed: number;
}

export async function trainProbe(k: Kernels, X: Float32Array, Y: Uint8Array, d: number, classes: number, o: ProbeTrainOptions): Promise<ProbeWeights> {
  const N = Y.length / 64, S = 64 * classes, B = Math.min(o.batch, N), dev = k.device;
  const rng = mulberry32(o.seed);
  const own: GPUBuffer[] = [];
  const keep = <T extends GPUBuffer>(b: T) => { own.push(b); return b; };
  const W = keep(dataBuffer(dev, randomArray(d * S, 1 / Math.sqrt(d), rng))), bias = keep(dataBuffer(dev, new Float32Array(S)));
  const dW = keep(emptyBuffer(dev, d * S * 4)), db = keep(emptyBuffer(dev, S * 4));
  const mW = keep(emptyBuffer(dev, d * S * 4)), vW = keep(emptyBuffer(dev, d * S * 4)), mb = keep(emptyBuffer(dev, S * 4)), vb = keep(emptyBuffer(dev, S * 4));
  const xb = keep(emptyBuffer(dev, B * d * 4)), yb = keep(emptyBuffer(dev, B * 64 * 4));
  const logits = keep(emptyBuffer(dev, B * S * 4)), dLogits = keep(emptyBuffer(dev, B * S * 4)), loss = keep(emptyBuffer(dev, B * 64 * 4));
  const scale = keep(dataBuffer(dev, Float32Array.of(1, 0)));
  const ceUniform = k.uniform([B * 64, classes, B * 64, 0]);
  const optW = bk.adamW(k, W, dW, mW, vW, scale, d * S, true), optB = bk.adamW(k, bias, db, mb, vb, scale, S, false);
  const steps: Step[] = [
    k.matmul(xb, W, bias, logits, B, d, S),
    bk.crossEntropy(k, logits, yb, dLogits, loss, B * 64, classes, B * 64, ceUniform),
    k.matmulEx(xb, dLogits, dW, d, B, S, { transA: true }),
    bk.colsum(k, dLogits, db, B, S),
    optW.step, optB.step,
  ];
  const xs = new Float32Array(B * d), ys = new Uint32Array(B * 64);
  const order = Array.from({ length: N }, (_, i) => i);
  let t = 0;
  const batchesPerEpoch = Math.floor(N / B);
  const total = o.epochs * batchesPerEpoch;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = N - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (let start = 0; start + B <= N; start += B) {
      for (let r = 0; r < B; r++) {
        const src = order[start + r];
        xs.set(X.subarray(src * d, (src + 1) * d), r * d);
        for (let s = 0; s < 64; s++) ys[r * 64 + s] = Y[src * 64 + s];
      }
      writeArray(dev, xb, xs);
      writeArray(dev, yb, ys);
      t++;
      const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / total)); // cosine to zero
      const adam = { lr, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: o.weightDecay };
      optW.setStep(t, adam);
      optB.setStep(t, adam);
      const enc = dev.createCommandEncoder();
      encodePlan(enc, steps);
      dev.queue.submit([enc.finish()]);
    }
  }
  await dev.queue.onSubmittedWorkDone();
  const read = (b: GPUBuffer, n: number) => downloadFloats(dev, b, n);
  const result = { d, classes, W: await read(W, d * S), b: await read(bias, S) };
  for (const b of own) b.destroy();
  return result;
}

/** Per-square argmax predictions [N, 64] (CPU; probes are small). */
export function probePredict(p: ProbeWeights, X: Float32Array, N: number): Uint8Array {
  const S = 64 * p.classes, out = new Uint8Array(N * 64), row = new Float32Array(S);
  for (let n = 0; n < N; n++) {
    row.set(p.b);
    for (let i = 0; i < p.d; i++) {
      const x = X[n * p.d + i];
      if (x === 0) continue;
      for (let j = 0; j < S; j++) row[j] += x * p.W[i * S + j];
    }
    for (let s = 0; s < 64; s++) {
      let best = 0;
      for (let c = 1; c < p.classes; c++) if (row[s * p.classes + c] > row[s * p.classes + best]) best = c;
      out[n * 64 + s] = best;
    }
  }
  return out;
}

/**
 * The accuracy a probe gets without reading the model: each square's most common class in the
 * training labels [N, 64], predicted at every test position. A probe near this number has learned
 * the squares' priors (a chess piece's starting square, a centre disc), not the board.
 */
export function majorityBaseline(trainY: Uint8Array, testY: Uint8Array, classes: number): number {
  const counts = new Uint32Array(64 * classes);
  for (let i = 0; i < trainY.length; i++) counts[(i % 64) * classes + trainY[i]]++;
  const pred = new Uint8Array(testY.length);
  for (let s = 0; s < 64; s++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (counts[s * classes + c] > counts[s * classes + best]) best = c;
    for (let i = s; i < pred.length; i += 64) pred[i] = best;
  }
  return accuracy(pred, testY);
}

export function accuracy(pred: Uint8Array, Y: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < Y.length; i++) if (pred[i] === Y[i]) ok++;
  return ok / Y.length;
}

