// `init-model`: writes a model with seeded random weights (the initialisation train-model starts
// from), in the same TransformerLens-style files: the random-init baseline of spec 3.7.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toTransformerLensDict } from '../model/adapters';
import { parseModelConfig, toHookedTransformerConfig } from '../model/config';
import { randomModel } from '../model/random';
import { writeSafetensors } from '../tensor/safetensors';
import { isNonNegativeInt, numberFlag, parseFlags, required } from './args';
import { readJson } from './files';

export const INIT_MODEL_USAGE = 'init-model --config <HookedTransformerConfig JSON> --seed S --out <folder>';

export async function runInitModel(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['config', 'seed', 'out']);
  const config = parseModelConfig(readJson(required(flags, 'config'), 'config'));
  const seed = numberFlag(flags, 'seed', undefined, isNonNegativeInt, 'a non-negative integer');
  const out = required(flags, 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.safetensors'), writeSafetensors(toTransformerLensDict(randomModel(config, seed)), { metadata: { random_init_seed: String(seed) } }));
  writeFileSync(join(out, 'config.json'), JSON.stringify(toHookedTransformerConfig(config), null, 2));
  return `random-init model (seed ${seed}) in ${out}`;
}
