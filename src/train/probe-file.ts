// Reads a linear probe written by train-probe (tensors W [d,8,8,C], b [8,8,C], metadata "probe")
// from safetensors bytes: shared by the CLI and the workbench page, sizes checked before use.
import { readSafetensors } from '../tensor/safetensors';
import type { ProbeWeights } from './probe-trainer';

export const PROBE_KINDS = ['mine-theirs-empty', 'legal-moves', 'piece'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];
const CLASSES: Record<ProbeKind, number> = { 'mine-theirs-empty': 3, 'legal-moves': 2, piece: 13 };

export class ProbeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFileError';
  }
}

export function parseProbeFile(bytes: Uint8Array, name: string, d: number): { probe: ProbeWeights; kind: ProbeKind } {
  const file = readSafetensors(bytes, name);
  const W = file.tensors.get('W'), b = file.tensors.get('b');
  const kind = file.metadata.probe ?? '';
  if (!W || !b || !(PROBE_KINDS as readonly string[]).includes(kind)) {
    throw new ProbeFileError(`"${name}" is not a probe written by train-probe (needs tensors W, b and metadata probe = ${PROBE_KINDS.join(' | ')})`);
  }
  const classes = CLASSES[kind as ProbeKind];
  if (W.shape.join() !== [d, 8, 8, classes].join() || b.shape.join() !== [8, 8, classes].join()) {
    throw new ProbeFileError(`"${name}": W is [${W.shape}] and b [${b.shape}], expected [${d},8,8,${classes}] and [8,8,${classes}] for a ${kind} probe on this hook`);
  }
  return { probe: { d, classes, W: W.data as Float32Array, b: b.data as Float32Array }, kind: kind as ProbeKind };
}

/** Per-square class probabilities [64, C] of one activation vector x [d] (softmax over each square's classes). */
export function probeProbabilities(p: ProbeWeights, x: Float32Array): Float32Array {
  const S = 64 * p.classes, row = Float32Array.from(p.b);
  for (let i = 0; i < p.d; i++) {
    const v = x[i];
    if (v !== 0) for (let j = 0; j < S; j++) row[j] += v * p.W[i * S + j];
  }
  for (let s = 0; s < 64; s++) {
    const o = s * p.classes;
    let max = -Infinity, sum = 0;
    for (let c = 0; c < p.classes; c++) max = Math.max(max, row[o + c]);
    for (let c = 0; c < p.classes; c++) sum += (row[o + c] = Math.exp(row[o + c] - max));
    for (let c = 0; c < p.classes; c++) row[o + c] /= sum;
  }
  return row;
}

/** The probe's logits moved by a direction v [d] (no bias): [64, C]; how a decoder column reads through the probe. */
export function probeDirection(p: ProbeWeights, v: Float32Array): Float32Array {
  const S = 64 * p.classes, out = new Float32Array(S);
  for (let i = 0; i < p.d; i++) {
    const a = v[i];
    if (a !== 0) for (let j = 0; j < S; j++) out[j] += a * p.W[i * S + j];
  }
  return out;
}
