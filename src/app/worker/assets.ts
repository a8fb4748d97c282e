// Fetches or reads what a workbench session needs: the model (manifest entry or user files), the SAE
// (manifest folder or user files) and the manifest's probes for the hook's layer. Every file goes
// through the format parsers, which check sizes and never execute anything.
import { loadModel } from '../../model/adapters';
import { toHookedTransformerConfig } from '../../model/config';
import { parseManifest, type ManifestModel } from '../../model/manifest';
import { randomModel } from '../../model/random';
import type { Model } from '../../model/weights';
import { loadSaeFiles } from '../../sae/formats';
import type { Sae } from '../../sae/types';
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
}

export async function loadAssets(req: LoadRequest, fetcher: Fetcher = httpFetcher): Promise<AssetBundle> {
  let model: Model, modelName: string, info: ManifestModel | undefined;
  if (req.model.kind === 'manifest') {
    info = await manifestModel(req.base, req.model.id, fetcher);
    modelName = info.name;
    model = info.randomInit
      ? randomModel(info.config, info.randomInit.seed)
      : loadModel(readSafetensors(await fetcher(`${req.base}models/${info.weights}`), info.weights!).tensors, toHookedTransformerConfig(info.config));
  } else {
    modelName = req.model.name;
    model = loadModel(readSafetensors(new Uint8Array(req.model.weights), req.model.name).tensors, parseJson(req.model.config, 'the model config file'));
  }
  // the vocabulary says which game a model plays: 61 Othello tokens, 32 chess characters
  const game = model.config.dVocab === 61 ? 'othello' : model.config.dVocab === 32 ? 'chess' : undefined;
  if (!game) throw new Error(`${modelName} has a vocabulary of ${model.config.dVocab} tokens; Othello models have 61, chess models 32`);
  if (info && info.game !== game) throw new Error(`${modelName} is listed as a ${info.game} model but its vocabulary is ${game}'s`);

  let sae: Sae | undefined, saeName: string | undefined, hook = `blocks.${req.layer}.hook_resid_post`;
  if (req.sae.kind === 'manifest') {
    const entry = info?.saes.find((s) => s.id === (req.sae as { id: string }).id);
    if (!entry) throw new Error(`${modelName} has no SAE "${req.sae.id}"`);
    const files = new Map<string, Uint8Array>();
    const names = entry.format === 'saelens' ? ['cfg.json', 'sae_weights.safetensors'] : ['ae.safetensors', 'config.json'];
    for (const n of names) files.set(n, await fetcher(`${req.base}models/${entry.path}/${n}`));
    sae = loadSaeFiles(files);
    saeName = entry.id;
    hook = entry.hook;
  } else if (req.sae.kind === 'files') {
    sae = loadSaeFiles(new Map(Object.entries(req.sae.files).map(([k, v]) => [k, new Uint8Array(v)])));
    saeName = req.sae.name;
    if (sae.hookName) hook = sae.hookName;
  }
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
  return { game, model, hook, sae, probes, modelName, saeName, layer, probeNames };
}
