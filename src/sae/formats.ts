// Readers for SAE files: SAE-Lens (cfg.json + sae_weights.safetensors) and dictionary_learning
// state dicts (spec 4.1, 4.4) as `ae.pt` (torch.save, read by the safe reader) or safetensors, with
// the class inferred from the keys where config.json names none.
import { readStateDict } from '../model/model-file';
import { readSafetensors } from '../tensor/safetensors';
import { shapeStr, transposeData as transpose, type Tensor } from '../tensor/tensor';
import { SaeFormatError, type Sae } from './types';
import { describeValue } from '../model/config';

function take(dict: Map<string, Tensor>, name: string, shape: number[], what: string): Float32Array {
  const t = dict.get(name);
  if (!t) throw new SaeFormatError(`${what}: missing tensor "${name}"`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new SaeFormatError(`${what}: "${name}" has shape ${shapeStr(t.shape)}, expected ${shapeStr(shape)}`);
  }
  return t.data;
}


/** Largest SAE sizes accepted: far above any board-game SAE, below what would exhaust memory. */
const MAX_D_IN = 65536, MAX_D_SAE = 1 << 22;

function dims(dict: Map<string, Tensor>, name: string, what: string): [number, number] {
  const t = dict.get(name);
  if (!t || t.shape.length !== 2) throw new SaeFormatError(`${what}: "${name}" must be a 2-D tensor`);
  const [a, b] = t.shape;
  if (a < 1 || b < 1 || Math.min(a, b) > MAX_D_IN || Math.max(a, b) > MAX_D_SAE) throw new SaeFormatError(`${what}: "${name}" has shape [${a}, ${b}]; an SAE needs 1..${MAX_D_IN} inputs and 1..${MAX_D_SAE} features`);
  return [a, b];
}

/** SAE-Lens: cfg.json fields d_in, d_sae, hook_name, apply_b_dec_to_input, activation_fn_str, architecture. */
export function parseSaeLens(cfgJson: unknown, weights: Uint8Array): Sae {
  const what = 'SAE-Lens SAE';
  if (typeof cfgJson !== 'object' || cfgJson === null) throw new SaeFormatError(`${what}: cfg.json is not a JSON object`);
  // Own properties only: a "toString" key in a file must not stand in for anything.
  const cfg = Object.fromEntries(Object.entries(cfgJson as Record<string, unknown>)) as Record<string, unknown>;
  const dIn = cfg.d_in, dSae = cfg.d_sae;
  if (!Number.isSafeInteger(dIn) || !Number.isSafeInteger(dSae) || (dIn as number) <= 0 || (dSae as number) <= 0 || (dIn as number) > MAX_D_IN || (dSae as number) > MAX_D_SAE) {
    throw new SaeFormatError(`${what}: cfg.json needs integers d_in in 1..${MAX_D_IN} and d_sae in 1..${MAX_D_SAE}`);
  }
  const norm = cfg.normalize_activations;
  if (norm !== undefined && norm !== null && norm !== 'none') {
    throw new SaeFormatError(`${what}: normalize_activations ${describeValue(norm)} is not supported (only "none")`);
  }
  for (const [k, type] of [['architecture', 'string'], ['activation_fn_str', 'string'], ['hook_name', 'string'], ['apply_b_dec_to_input', 'boolean']] as const) {
    if (cfg[k] !== undefined && cfg[k] !== null && typeof cfg[k] !== type) throw new SaeFormatError(`${what}: cfg.json "${k}" must be a ${type} (got ${describeValue(cfg[k])})`);
  }
  if (typeof cfg.hook_name === 'string' && !/^[\w.]{1,100}$/.test(cfg.hook_name)) throw new SaeFormatError(`${what}: cfg.json hook_name ${describeValue(cfg.hook_name)} is not a hook name`);
  if (cfg.finetuning_scaling_factor === true) throw new SaeFormatError(`${what}: finetuning_scaling_factor is not supported`);
  const dict = readSafetensors(weights, 'sae_weights.safetensors').tensors;
  const d = dIn as number, F = dSae as number;
  const architecture = String(cfg.architecture ?? (dict.has('b_gate') ? 'gated' : dict.has('threshold') ? 'jumprelu' : 'standard'));
  const activation = String(cfg.activation_fn_str ?? 'relu');
  const base = {
    format: 'saelens' as const, sourceClass: architecture, dIn: d, dSae: F,
    wEnc: take(dict, 'W_enc', [d, F], what), wDec: take(dict, 'W_dec', [F, d], what), bDec: take(dict, 'b_dec', [d], what),
    subtractDecoderBias: cfg.apply_b_dec_to_input === true,
    hookName: typeof cfg.hook_name === 'string' ? cfg.hook_name : undefined,
    lmName: typeof cfg.model_name === 'string' ? cfg.model_name.slice(0, 200) : undefined,
  };
  if (architecture === 'gated') {
    return { ...base, kind: 'gated', bEnc: new Float32Array(F), bGate: take(dict, 'b_gate', [F], what),
      rMag: take(dict, 'r_mag', [F], what), bMag: take(dict, 'b_mag', [F], what) };
  }
  const bEnc = take(dict, 'b_enc', [F], what);
  if (architecture === 'jumprelu') return { ...base, kind: 'jumprelu', bEnc, threshold: take(dict, 'threshold', [F], what) };
  if (architecture === 'topk' || activation === 'topk') {
    const kwargs = (cfg.activation_fn_kwargs ?? {}) as Record<string, unknown>;
    const k = kwargs.k ?? cfg.k;
    if (!Number.isSafeInteger(k) || (k as number) <= 0 || (k as number) > F) throw new SaeFormatError(`${what}: topk needs an integer k in 1..${F}`);
    return { ...base, kind: 'topk', bEnc, k: k as number };
  }
  if (architecture !== 'standard' || activation !== 'relu') {
    throw new SaeFormatError(`${what}: architecture ${describeValue(architecture)} with activation ${describeValue(activation)} is not supported`);
  }
  return { ...base, kind: 'relu', bEnc };
}

/**
 * dictionary_learning state dict (keys per spec 4.1). `config` is the optional config.json
 * ({trainer: {...}, buffer: {...}}): the hook layer, lm_name, and TopK's k where the state dict has
 * none (the 2024-07 layout). ReLU AutoEncoders get the loader's decoder normalisation: columns with
 * norm n ≠ 1 are divided by n and encoder row / bias multiplied by n.
 */
export function parseDictionaryLearning(dict: Map<string, Tensor>, config?: unknown): Sae {
  const what = 'dictionary_learning SAE';
  const own = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);
  const trainer = own(config, 'trainer');
  const layer = own(trainer, 'layer');
  const lmName = typeof own(trainer, 'lm_name') === 'string' ? (own(trainer, 'lm_name') as string).slice(0, 200) : undefined;
  const io = own(own(config, 'buffer'), 'io');
  if (io !== undefined && io !== 'out') throw new SaeFormatError(`${what}: config.json buffer.io ${JSON.stringify(String(io).slice(0, 20))} is not supported (only "out": the block's output)`);
  // An SAE whose width is the MLP's reads blocks.L.mlp.hook_post (the paper's neuron baselines);
  // that is decided against the model (saeHookFor), here it is the residual.
  const hookName = Number.isSafeInteger(layer) && (layer as number) >= 0 && (layer as number) < 1000 ? `blocks.${layer}.hook_resid_post` : undefined;
  const meta = { hookName, lmName };
  if (dict.has('W_enc') && dict.has('threshold')) {
    const [d, F] = dims(dict, 'W_enc', what);
    return { kind: 'jumprelu', format: 'dictionary_learning', sourceClass: 'JumpReluAutoEncoder', dIn: d, dSae: F,
      wEnc: take(dict, 'W_enc', [d, F], what), bEnc: take(dict, 'b_enc', [F], what), wDec: take(dict, 'W_dec', [F, d], what),
      bDec: take(dict, 'b_dec', [d], what), threshold: take(dict, 'threshold', [F], what), subtractDecoderBias: false, ...meta };
  }
  if (!dict.has('encoder.weight')) throw new SaeFormatError(`${what}: no encoder weights (expected "encoder.weight" or "W_enc")`);
  const [F, d] = dims(dict, 'encoder.weight', what);
  const wEnc = transpose(take(dict, 'encoder.weight', [F, d], what), F, d); // [F, d] → [d, F]
  // TopK of 2024-07 keeps the decoder as a bare [F, d] parameter; every other class has an nn.Linear [d, F].
  const wDec = dict.has('decoder.weight') ? transpose(take(dict, 'decoder.weight', [d, F], what), d, F) : take(dict, 'decoder', [F, d], what).slice();
  const common = { format: 'dictionary_learning' as const, dIn: d, dSae: F, wEnc, wDec, subtractDecoderBias: true, ...meta };
  if (dict.has('r_mag')) {
    return { ...common, kind: 'gated', sourceClass: 'GatedAutoEncoder', bEnc: new Float32Array(F),
      bDec: take(dict, 'decoder_bias', [d], what), rMag: take(dict, 'r_mag', [F], what),
      bGate: take(dict, 'gate_bias', [F], what), bMag: take(dict, 'mag_bias', [F], what) };
  }
  const configK = own(trainer, 'k');
  if (dict.has('k') || dict.has('decoder') || own(trainer, 'dict_class') === 'AutoEncoderTopK') {
    const k = dict.has('k') ? dict.get('k')!.data[0] : configK;
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k <= 0 || k > F) {
      throw new SaeFormatError(`${what}: a TopK SAE needs k, an integer in 1..${F} (in the state dict or config.json's trainer.k)`);
    }
    return { ...common, kind: 'topk', sourceClass: 'AutoEncoderTopK', bEnc: take(dict, 'encoder.bias', [F], what),
      bDec: take(dict, 'b_dec', [d], what), k };
  }
  if (dict.has('decoder.bias')) throw new SaeFormatError(`${what}: AutoEncoderNew (decoder.bias) is not supported`);
  const sae: Sae = { ...common, kind: 'relu', sourceClass: 'AutoEncoder', bEnc: take(dict, 'encoder.bias', [F], what).slice(),
    bDec: take(dict, 'bias', [d], what) };
  normaliseDecoderColumns(sae);
  return sae;
}

/**
 * The hook an SAE reads on a model: its own hook, moved to the MLP's output when its width is d_mlp;
 * a residual stream before block N (N >= 1) is the same tensor as the one after block N - 1, the
 * name the workbench reads.
 */
export function saeHookFor(sae: Sae, c: { dModel: number; dMlp: number }): string | undefined {
  if (sae.hookName && sae.format === 'dictionary_learning' && sae.dIn === c.dMlp && sae.dIn !== c.dModel) {
    return sae.hookName.replace(/hook_resid_post$/, 'mlp.hook_post');
  }
  const pre = /^blocks\.(\d+)\.hook_resid_pre$/.exec(sae.hookName ?? '');
  if (pre && Number(pre[1]) >= 1) return `blocks.${Number(pre[1]) - 1}.hook_resid_post`;
  return sae.hookName;
}

/** dictionary_learning's AutoEncoder.from_pretrained(normalize_decoder=True) rule. */
function normaliseDecoderColumns(sae: Sae): void {
  const { dIn: d, dSae: F, wDec, wEnc, bEnc } = sae;
  for (let f = 0; f < F; f++) {
    let sq = 0;
    for (let i = 0; i < d; i++) sq += wDec[f * d + i] ** 2;
    const n = Math.sqrt(sq);
    if (n === 0 || Math.abs(n - 1) < 1e-6) continue;
    for (let i = 0; i < d; i++) { wDec[f * d + i] /= n; wEnc[i * F + f] *= n; }
    bEnc[f] *= n;
  }
}

/**
 * Loads an SAE from the files of a folder (name → bytes): SAE-Lens when cfg.json and
 * sae_weights.safetensors are present, else dictionary_learning from ae.safetensors (or the only
 * .safetensors file) with an optional config.json.
 */
export function loadSaeFiles(files: Map<string, Uint8Array>): Sae {
  const sae = readSaeFiles(files);
  for (const [k, a] of Object.entries(sae)) {
    if (!(a instanceof Float32Array)) continue;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new SaeFormatError(`the SAE's ${k} holds ${a[i]}: an SAE with NaN or infinite weights cannot be run`);
  }
  return sae;
}

function readSaeFiles(files: Map<string, Uint8Array>): Sae {
  const json = (name: string): unknown => {
    try {
      return JSON.parse(new TextDecoder().decode(files.get(name)!));
    } catch {
      throw new SaeFormatError(`${name} is not valid JSON`);
    }
  };
  if (files.has('cfg.json') && files.has('sae_weights.safetensors')) return parseSaeLens(json('cfg.json'), files.get('sae_weights.safetensors')!);
  const preferred = ['ae.safetensors', 'ae.pt'].filter((n) => files.has(n));
  const st = preferred.length ? preferred.slice(0, 1) : [...files.keys()].filter((n) => /\.(safetensors|pt|pth)$/.test(n));
  if (st.length !== 1) {
    throw new SaeFormatError('no SAE found: expected cfg.json + sae_weights.safetensors (SAE-Lens) or ae.pt / ae.safetensors (dictionary_learning)');
  }
  return parseDictionaryLearning(readStateDict(files.get(st[0])!, st[0]).dict, files.has('config.json') ? json('config.json') : undefined);
}

/** An SAE as a dictionary_learning state dict (spec 4.1 key names), for files other tools can read. */
export function toDictionaryLearningDict(sae: Sae): Map<string, Tensor> {
  const { dIn: d, dSae: F } = sae;
  const t = transpose;
  const m = new Map<string, Tensor>();
  if (sae.kind === 'jumprelu') {
    m.set('W_enc', { shape: [d, F], data: sae.wEnc }); m.set('b_enc', { shape: [F], data: sae.bEnc });
    m.set('W_dec', { shape: [F, d], data: sae.wDec }); m.set('b_dec', { shape: [d], data: sae.bDec });
    m.set('threshold', { shape: [F], data: sae.threshold! });
    return m;
  }
  m.set('encoder.weight', { shape: [F, d], data: t(sae.wEnc, d, F) });
  m.set('decoder.weight', { shape: [d, F], data: t(sae.wDec, F, d) });
  if (sae.kind === 'gated') {
    m.set('decoder_bias', { shape: [d], data: sae.bDec }); m.set('r_mag', { shape: [F], data: sae.rMag! });
    m.set('gate_bias', { shape: [F], data: sae.bGate! }); m.set('mag_bias', { shape: [F], data: sae.bMag! });
  } else if (sae.kind === 'topk') {
    m.set('encoder.bias', { shape: [F], data: sae.bEnc }); m.set('b_dec', { shape: [d], data: sae.bDec });
    m.set('k', { shape: [], data: Float32Array.of(sae.k!) });
  } else {
    m.set('encoder.bias', { shape: [F], data: sae.bEnc }); m.set('bias', { shape: [d], data: sae.bDec });
  }
  return m;
}
