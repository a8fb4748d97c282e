// Fetches or reads what a workbench session needs: the model (manifest entry or user files), the SAE
// (manifest folder or user files) and the manifest's probes for the hook's layer. Every file goes
// through the format parsers, which check sizes and never execute anything.
import { loadModel } from '../../model/adapters';
import { loadModelFile } from '../../model/model-file';
import { processWeights } from '../../model/process-weights';
import { toHookedTransformerConfig } from '../../model/config';
import { parseManifest, type ManifestModel } from '../../model/manifest';
import { randomModel } from '../../model/random';
import type { Model } from '../../model/weights';
import { loadSaeFiles, saeHookFor } from '../../sae/formats';
import { residualConventionOf, type Sae } from '../../sae/types';
import { readSafetensors } from '../../tensor/safetensors';
import { parseProbeFile } from '../../train/probe-file';
import type { LoadRequest } from './protocol';
import type { LoadedAssets } from './workbench';

export type Fetcher = (url: string) => Promise<Uint8Array>;

export const httpFetcher: Fetcher = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
};

const LAYER_HOOK = /^blocks\.(\d+)\.hook_resid_post$/;

function parseJson(bytes: Uint8Array | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

async function manifestModel(base: string, id: string, fetcher: Fetcher): Promise<ManifestModel> {
  const models = parseManifest(parseJson(await fetcher(`${base}models/index.json`), 'the model manifest'));
  const info = models.find((m) => m.id === id);
  if (!info) throw new Error(`the manifest has no model "${id}"`);
  return info;
}

export interface AssetBundle extends LoadedAssets {
  modelName: string;
  saeName?: string;
  layer: number;
  probeNames: string[];
  residual: { kind: 'raw' | 'centred'; why: string };
  architectureFrom?: string;
  /** a shipped SAE's variance explained and loss recovered, measured when it was shipped (its own residual convention) */
  saeRecorded?: { fve: number; lossRecovered: number; positions: number; l0: number };
}

const WEIGHTS = /\.(safetensors|pt|pth|bin|ckpt)$/i;

/** The user's model files: one weights file, an optional config .json. */
export function modelFromFiles(name: string, files: Record<string, ArrayBuffer>, nHeads?: number) {
  const names = Object.keys(files);
  const weights = names.filter((n) => WEIGHTS.test(n));
  if (weights.length !== 1) {
    throw new Error(weights.length ? `open one model weights file at a time (got ${weights.join(', ')})` : 'no model weights among the files: expected a .safetensors, .pt, .pth or .bin file');
  }
  const configs = names.filter((n) => /\.json$/i.test(n));
  if (configs.length > 1) throw new Error(`open at most one config .json with the model (got ${configs.join(', ')})`);
  const configJson = configs.length ? parseJson(new Uint8Array(files[configs[0]]), configs[0]) : undefined;
  return loadModelFile(new Uint8Array(files[weights[0]]), { configJson, nHeads }, weights[0]);
}

export async function loadAssets(req: LoadRequest, fetcher: Fetcher = httpFetcher): Promise<AssetBundle> {
  let model: Model, modelName: string, info: ManifestModel | undefined, architectureFrom: string | undefined;
  if (req.model.kind === 'manifest') {
    info = await manifestModel(req.base, req.model.id, fetcher);
    modelName = info.name;
    model = info.randomInit
      ? randomModel(info.config, info.randomInit.seed)
      : loadModel(readSafetensors(await fetcher(`${req.base}models/${info.weights}`), info.weights!).tensors, toHookedTransformerConfig(info.config));
  } else {
    modelName = req.model.name;
    const loaded = modelFromFiles(req.model.name, req.model.files, req.model.nHeads);
    model = loaded;
    architectureFrom = `${loaded.format} ${loaded.container}, architecture from ${loaded.architectureFrom}`;
  }
  // the vocabulary says which game a model plays: 61 Othello tokens, 32 chess characters
  const game = model.config.dVocab === 61 ? 'othello' : model.config.dVocab === 32 ? 'chess' : undefined;
  if (!game) throw new Error(`${modelName} has a vocabulary of ${model.config.dVocab} tokens; Othello models have 61, chess models 32`);
  if (info && info.game !== game) throw new Error(`${modelName} is listed as a ${info.game} model but its vocabulary is ${game}'s`);

  // A layer past this model's last (a small model opened from a view of a deeper one) reads the last.
  let saeRecorded: AssetBundle['saeRecorded'];
  let sae: Sae | undefined, saeName: string | undefined, hook = `blocks.${Math.min(req.layer, model.config.nLayers - 1)}.hook_resid_post`;
  if (req.sae.kind === 'manifest') {
    const entry = info?.saes.find((s) => s.id === (req.sae as { id: string }).id);
    if (!entry) throw new Error(`${modelName} has no SAE "${req.sae.id}"`);
    const files = new Map<string, Uint8Array>();
    const names = entry.format === 'saelens' ? ['cfg.json', 'sae_weights.safetensors'] : ['ae.safetensors', 'config.json'];
    for (const n of names) files.set(n, await fetcher(`${req.base}models/${entry.path}/${n}`));
    sae = loadSaeFiles(files);
    saeName = entry.id;
    hook = entry.hook;
    const { frac_variance_explained: fve, frac_loss_recovered: lossRecovered, positions, l0 } = entry.metrics;
    if (typeof fve === 'number' && typeof lossRecovered === 'number' && typeof l0 === 'number' && (req.residual ?? 'auto') === 'auto') {
      saeRecorded = { fve, lossRecovered, l0, positions: typeof positions === 'number' ? positions : 0 };
    }
  } else if (req.sae.kind === 'files') {
    sae = loadSaeFiles(new Map(Object.entries(req.sae.files).map(([k, v]) => [k, new Uint8Array(v)])));
    saeName = req.sae.name;
    const own = saeHookFor(sae, model.config);
    if (own) hook = own;
  }
  // The residual convention (spec 1.4(e)): the user's choice, else the SAE's, else raw.
  const convention = sae ? residualConventionOf(sae) : undefined;
  const choice = req.residual ?? 'auto';
  const kind = choice === 'auto' ? convention ?? 'raw' : choice;
  const why = choice !== 'auto' ? 'chosen by you' : convention ? `the SAE was trained on ${sae!.lmName}` : sae?.lmName ? `the SAE names ${sae.lmName}, whose convention is unknown` : 'the default';
  if (kind === 'centred') model = processWeights(model);
  const m = LAYER_HOOK.exec(hook);
  if (!m || Number(m[1]) >= model.config.nLayers) throw new Error(`the workbench reads residual-stream hooks blocks.0..${model.config.nLayers - 1}.hook_resid_post; "${hook}" is not one`);
  const layer = Number(m[1]);
  if (sae && sae.dIn !== model.config.dModel) throw new Error(`the SAE reads ${sae.dIn} values per position but ${modelName} has d_model ${model.config.dModel}`);

  const probes: LoadedAssets['probes'] = [];
  const probeNames: string[] = [];
  for (const p of info?.probes.filter((p) => p.layer === layer) ?? []) {
    probes.push(parseProbeFile(await fetcher(`${req.base}models/${p.path}`), p.path, model.config.dModel));
    probeNames.push(p.kind);
  }
  return { game, model, hook, sae, probes, modelName, saeName, layer, probeNames, residual: { kind, why }, architectureFrom, saeRecorded };
}
