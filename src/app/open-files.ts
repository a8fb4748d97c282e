// Sorting the files a user opens, drops or picks as a folder into a model and an SAE, by name:
// SAE-Lens (cfg.json + sae_weights.safetensors) and dictionary_learning (ae.pt / ae.safetensors +
// config.json) SAEs are recognised by their file names; any other weights file is the model, with a
// config .json when one is left over. The formats themselves are told later by the bytes.

export const MAX_FILE = 1 << 30;
const WEIGHTS = /\.(safetensors|pt|pth|bin|ckpt)$/i;
const SAE_WEIGHTS = /^(sae_weights\.safetensors|ae\.(pt|pth|safetensors))$/i;

export interface NamedFile { name: string; size: number; read: () => Promise<ArrayBuffer> }

export interface Sorted {
  model?: Record<string, NamedFile>;
  sae?: Record<string, NamedFile>;
  ignored: string[];
}

/** The base name of a path from a folder pick (webkitRelativePath) or a plain file name. */
const base = (name: string) => name.split('/').pop()!;

export function sortFiles(files: NamedFile[]): Sorted {
  const out: Sorted = { ignored: [] };
  const byName = files.map((f) => ({ ...f, name: base(f.name) }));
  const saeWeights = byName.filter((f) => SAE_WEIGHTS.test(f.name));
  const jsons = byName.filter((f) => /\.json$/i.test(f.name));
  const modelWeights = byName.filter((f) => WEIGHTS.test(f.name) && !SAE_WEIGHTS.test(f.name));
  if (saeWeights.length) {
    // A dictionary_learning folder holds ae.pt and often ae_legacy.pt too: take the first of the canonical names.
    const pick = saeWeights.find((f) => /^ae\.pt$/i.test(f.name)) ?? saeWeights.find((f) => /^ae\.safetensors$/i.test(f.name)) ?? saeWeights[0];
    out.sae = { [pick.name]: pick };
    for (const j of jsons) if (/^(cfg|config)\.json$/i.test(j.name)) out.sae[j.name] = j;
  }
  if (modelWeights.length) {
    const weights = modelWeights.filter((f) => !/_legacy\./i.test(f.name) || modelWeights.length === 1);
    out.model = { [weights[0].name]: weights[0] };
    const configs = jsons.filter((j) => !(out.sae && j.name in out.sae) && !/^(expected_|inputs)/i.test(j.name));
    if (configs.length) out.model[configs[0].name] = configs[0];
  }
  const used = new Set([...Object.values(out.model ?? {}), ...Object.values(out.sae ?? {})].map((f) => f.name));
  out.ignored = byName.map((f) => f.name).filter((n) => !used.has(n));
  return out;
}

export async function readAll(files: Record<string, NamedFile>): Promise<Record<string, ArrayBuffer>> {
  const out: Record<string, ArrayBuffer> = {};
  for (const [name, f] of Object.entries(files)) {
    if (f.size > MAX_FILE) throw new Error(`${name} is ${(f.size / 2 ** 20).toFixed(0)} MiB; files over 1 GiB are refused`);
    out[name] = await f.read();
  }
  return out;
}

export const fromFileList = (list: FileList | File[] | null): NamedFile[] =>
  Array.from(list ?? []).map((f) => ({ name: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, size: f.size, read: () => f.arrayBuffer() }));
