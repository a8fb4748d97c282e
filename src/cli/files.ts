// Reading user files with one-line errors instead of stack traces.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile, type LoadedModel } from '../model/model-file';
import { processWeights } from '../model/process-weights';
import { residualConventionOf, type Sae } from '../sae/types';
import type { Model } from '../model/weights';
import { numberFlag, required, UsageError } from './args';

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} "${path}": ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = new TextDecoder().decode(readBytes(path, what));
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} "${path}" is not valid JSON`);
  }
}

/** The SAE-relevant files of a folder (JSON, safetensors and torch files), by name. */
export function readSaeFolder(dir: string): Map<string, Uint8Array> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--sae "${dir}" is not a folder`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read SAE folder "${dir}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const n of names) if (/\.(json|safetensors|pt|pth)$/.test(n)) files.set(n, readBytes(join(dir, n), 'SAE file'));
  return files;
}

/** Flags every command that reads a model accepts: the weights, what the files cannot say, and the residual convention. */
export const MODEL_FLAGS = ['model', 'config', 'n-heads', 'residual'] as const;

/**
 * The residual convention (spec 1.4(e)): --residual raw|centred, else the SAEs' own (from their
 * lm_name: the paper's Othello SAEs read TransformerLens' centred stream), else raw. Returns the
 * model to run (TransformerLens-processed for 'centred') and the choice in words.
 */
export function withResidual(flags: Map<string, string>, model: Model, saes: Sae[] = []): { model: Model; residual: 'raw' | 'centred'; note: string } {
  const asked = flags.get('residual');
  if (asked !== undefined && asked !== 'raw' && asked !== 'centred') throw new UsageError(`--residual must be raw or centred, not ${JSON.stringify(asked.slice(0, 20))}`);
  const own = [...new Set(saes.map(residualConventionOf).filter((c) => c !== undefined))];
  if (!asked && own.length > 1) throw new UsageError('the SAEs were trained on different residual conventions (raw and centred): give --residual');
  const residual = (asked as 'raw' | 'centred' | undefined) ?? own[0] ?? 'raw';
  const why = asked ? 'as asked' : own.length ? `the SAE was trained on ${saes.find((s) => residualConventionOf(s))!.lmName}` : 'the default';
  const note = `${residual === 'centred' ? 'TransformerLens-processed weights: the residual stream is centred' : 'raw weights: the residual stream is not centred'}, ${why}`;
  return { model: residual === 'centred' ? processWeights(model) : model, residual, note };
}

/**
 * A model from --model (safetensors, or a PyTorch .pt / .pth / .bin checkpoint) with an optional
 * --config (HookedTransformerConfig or Hugging Face GPT2Config JSON) and --n-heads; without --config
 * the architecture comes from the file itself. One-line errors.
 */
export function readModel(flags: Map<string, string>): LoadedModel {
  const weightsPath = required(flags, 'model');
  const configJson = flags.has('config') ? readJson(flags.get('config')!, 'config') : undefined;
  const nHeads = flags.has('n-heads') ? numberFlag(flags, 'n-heads', undefined, (v) => Number.isSafeInteger(v) && v >= 1 && v <= 1024, 'a positive integer') : undefined;
  return loadModelFile(readBytes(weightsPath, 'model'), { configJson, nHeads }, `model "${weightsPath}"`);
}

/** The model's vocabulary must be the game's: an Othello model cannot read chess characters and back. */
export function checkGameModel(kit: { id: string; vocab: number }, model: Model): void {
  if (model.config.dVocab !== kit.vocab) {
    throw new UsageError(`--game ${kit.id} needs a model with a ${kit.vocab}-token vocabulary; this one has d_vocab ${model.config.dVocab}`);
  }
}

/** Games from a games file of the game's format, with one-line errors. */
export function readGamesFile<G>(path: string, parse: (text: string) => G[]): G[] {
  const text = new TextDecoder().decode(readBytes(path, 'games file'));
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof Error && /GamesFileError$/.test(e.name)) throw new UsageError(e.message);
    throw e;
  }
}
