// One entry point for a user's model file, whatever wrote it: safetensors, or a PyTorch checkpoint
// (`.pt` / `.pth` / `.bin`: a bare state dict, or a dict holding one under "model" / "state_dict",
// with nanoGPT's `model_args` beside it). The format is told by the bytes, not the file name; the
// architecture comes from the files (infer-config.ts) unless a config is given.
import { readSafetensors } from '../tensor/safetensors';
import type { Tensor } from '../tensor/tensor';
import { isTorchLegacy, isTorchZip, readTorchCheckpoint, tensorDict, TorchFileError, type TorchValue } from '../tensor/torch-checkpoint';
import { loadModel, WeightFormatError, type WeightFormat } from './adapters';
import { inferModelConfig, type ArchitectureHints } from './infer-config';
import { toHookedTransformerConfig } from './config';
import type { Model } from './weights';

export type Container = 'safetensors' | 'torch zip' | 'torch legacy';

export interface StateDictFile {
  dict: Map<string, Tensor>;
  container: Container;
  /** nanoGPT's model_args, when the checkpoint has them */
  modelArgs?: TorchValue;
}

const STATE_DICT_KEYS = ['model', 'state_dict', 'model_state_dict'];

/** The state dict of a file's bytes (safetensors or torch). */
export function readStateDict(bytes: Uint8Array, what = 'model'): StateDictFile {
  if (isTorchZip(bytes) || isTorchLegacy(bytes)) {
    const ck = readTorchCheckpoint(bytes, what);
    const root = ck.root;
    const container: Container = ck.container === 'zip' ? 'torch zip' : 'torch legacy';
    const direct = tensorDict(root);
    if (direct) return { dict: direct, container };
    if (typeof root === 'object' && root !== null && !Array.isArray(root)) {
      const r = root as Record<string, TorchValue>;
      for (const k of STATE_DICT_KEYS) {
        const d = Object.prototype.hasOwnProperty.call(r, k) ? tensorDict(r[k]) : undefined;
        if (d) return { dict: d, container, modelArgs: r.model_args };
      }
    }
    throw new TorchFileError(`${what}: the checkpoint holds no state dict (a dict of tensors, or one under "model" / "state_dict")`);
  }
  return { dict: readSafetensors(bytes, what).tensors, container: 'safetensors' };
}

export interface LoadedModel extends Model {
  format: WeightFormat;
  container: Container;
  /** where the architecture came from, in words (shown to the user) */
  architectureFrom: string;
}

/** A model from a weights file's bytes plus optional hints (a config JSON, the head count). */
export function loadModelFile(bytes: Uint8Array, hints: ArchitectureHints = {}, what = 'model'): LoadedModel {
  const file = readStateDict(bytes, what);
  const config = inferModelConfig(file.dict, { ...hints, modelArgs: hints.modelArgs ?? file.modelArgs });
  const from = hints.configJson !== undefined ? 'the given config' : file.modelArgs !== undefined ? "the checkpoint's model_args" : hints.nHeads !== undefined ? 'the tensor shapes and the given head count' : 'the tensor shapes';
  try {
    const m = loadModel(file.dict, toHookedTransformerConfig(config));
    return { ...m, container: file.container, architectureFrom: from };
  } catch (e) {
    if (e instanceof WeightFormatError) throw new WeightFormatError(`${what}: ${e.message}`);
    throw e;
  }
}
