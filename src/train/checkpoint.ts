// Checkpoints: parameters and AdamW moments as safetensors, with the step, the run config and the
// loss history in the metadata. Written to a temporary file then renamed, so a kill mid-write
// never leaves a broken checkpoint behind.
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { readSafetensors, writeSafetensors } from '../tensor/safetensors';
import type { Tensor } from '../tensor/tensor';

export interface Checkpoint {
  step: number;
  config: unknown;
  history: Array<{ step: number; loss: number }>;
  state: Map<string, [Float32Array, Float32Array, Float32Array]>;
}

export function saveCheckpoint(path: string, ck: Checkpoint): void {
  const tensors: Array<[string, Tensor]> = [];
  for (const [name, [p, m, v]] of ck.state) {
    tensors.push([`param.${name}`, { shape: [p.length], data: p }], [`m.${name}`, { shape: [m.length], data: m }], [`v.${name}`, { shape: [v.length], data: v }]);
  }
  const bytes = writeSafetensors(tensors, { metadata: { step: String(ck.step), config: JSON.stringify(ck.config), history: JSON.stringify(ck.history) } });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

export function loadCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const file = readSafetensors(new Uint8Array(readFileSync(path)), path);
  const state = new Map<string, [Float32Array, Float32Array, Float32Array]>();
  for (const [key, t] of file.tensors) {
    if (!key.startsWith('param.')) continue;
    const name = key.slice(6);
    state.set(name, [t.data, file.tensors.get(`m.${name}`)!.data, file.tensors.get(`v.${name}`)!.data]);
  }
  return { step: Number(file.metadata.step), config: JSON.parse(file.metadata.config), history: JSON.parse(file.metadata.history), state };
}
