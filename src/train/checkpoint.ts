// Checkpoints: parameters and AdamW moments as safetensors, with the step, the run config and the
// loss history in the metadata. Written to a temporary file then renamed, so a kill mid-write
// never leaves a broken checkpoint behind.
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { readSafetensors, writeSafetensors } from '../tensor/safetensors';
import type { Tensor } from '../tensor/tensor';
import { parseJsonLimited, quote } from '../tensor/safe-json';

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

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export function loadCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const fail = (msg: string): never => { throw new CheckpointError(`checkpoint ${path}: ${msg}; it cannot be resumed (move it away to start over)`); };
  const file = readSafetensors(new Uint8Array(readFileSync(path)), path);
  const state = new Map<string, [Float32Array, Float32Array, Float32Array]>();
  for (const [key, t] of file.tensors) {
    if (!key.startsWith('param.')) continue;
    const name = key.slice(6);
    const m = file.tensors.get(`m.${name}`), v = file.tensors.get(`v.${name}`);
    if (!m || !v || m.data.length !== t.data.length || v.data.length !== t.data.length) fail(`the optimiser state of ${quote(name)} is missing or of the wrong size`);
    state.set(name, [t.data, m!.data, v!.data]);
  }
  if (state.size === 0) fail('it holds no parameters');
  const step = Number(file.metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) fail('its step is not a number');
  let config: unknown, history: unknown;
  try {
    config = parseJsonLimited(file.metadata.config ?? '');
    history = parseJsonLimited(file.metadata.history ?? '');
  } catch {
    return fail('its config or history metadata is not valid JSON');
  }
  if (typeof config !== 'object' || config === null || !Array.isArray(history)) fail('its config or history metadata is malformed');
  return { step, config, history: history as Checkpoint['history'], state };
}
