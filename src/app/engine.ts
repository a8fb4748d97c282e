// The page's model engine: reads the manifest, builds or fetches the model, and runs it on WebGPU
// (WGSL kernels) or, when the browser has no WebGPU, on the CPU reference.
import { browserShaderSource, createBrowserGpuContext } from '../gpu/browser';
import { Kernels } from '../gpu/kernels';
import { GpuModel } from '../gpu/model-runner';
import { loadModel } from '../model/adapters';
import { toHookedTransformerConfig } from '../model/config';
import { cpuForward, softmaxRows } from '../model/cpu-forward';
import { parseManifest, type ManifestModel } from '../model/manifest';
import { randomModel } from '../model/random';
import type { Model } from '../model/weights';
import { readSafetensors } from '../tensor/safetensors';

export interface Engine {
  info: ManifestModel;
  /** "WebGPU (adapter)" or "CPU reference" */
  backend: string;
  /** why WebGPU is not used, when it is not */
  gpuProblem?: string;
  /** next-move probabilities [dVocab] after the last token */
  predict(tokens: number[]): Promise<{ probs: Float32Array; ms: number }>;
}

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status})`);
  return r;
}

async function buildModel(info: ManifestModel, base: string): Promise<Model> {
  if (info.randomInit) return randomModel(info.config, info.randomInit.seed);
  const bytes = new Uint8Array(await (await fetchOk(`${base}models/${info.weights}`)).arrayBuffer());
  return loadModel(readSafetensors(bytes, info.weights).tensors, toHookedTransformerConfig(info.config));
}

export async function createEngine(base = import.meta.env.BASE_URL): Promise<Engine> {
  const models = parseManifest(await (await fetchOk(`${base}models/index.json`)).json());
  const info = models.find((m) => m.game === 'othello' && m.trained) ?? models.find((m) => m.game === 'othello');
  if (!info) throw new Error('the model manifest lists no Othello model');
  const model = await buildModel(info, base);
  const V = model.config.dVocab;
  const lastRow = (logits: Float32Array, T: number) => softmaxRows(logits.subarray((T - 1) * V, T * V), V);
  const cpu = {
    backend: 'CPU reference',
    async predict(tokens: number[]) {
      const t0 = performance.now();
      const r = cpuForward(model, tokens);
      return { probs: lastRow(r.logits, tokens.length), ms: performance.now() - t0 };
    },
  };
  // A lost device (driver reset, GPU process crash, ...) is replaced by a fresh one on the next
  // prediction; if none can be had, the engine carries on with the CPU reference.
  const connect = async () => {
    const ctx = await createBrowserGpuContext();
    const conn = { gpu: new GpuModel(new Kernels(ctx, browserShaderSource), model), adapterName: ctx.adapterName, lost: false };
    void ctx.lost.then(() => { conn.lost = true; });
    return conn;
  };
  let conn: Awaited<ReturnType<typeof connect>>;
  try {
    conn = await connect();
  } catch (e) {
    return { info, ...cpu, gpuProblem: (e as Error).message };
  }
  const engine: Engine = {
    info, backend: `WebGPU (${conn.adapterName})`,
    async predict(tokens) {
      if (conn.lost) {
        try {
          conn = await connect();
        } catch (e) {
          Object.assign(engine, cpu, { gpuProblem: `the GPU device was lost and could not be re-created (${(e as Error).message})` });
          return cpu.predict(tokens);
        }
      }
      const t0 = performance.now();
      const r = await conn.gpu.forward([tokens]);
      return { probs: lastRow(r.logits[0], tokens.length), ms: performance.now() - t0 };
    },
  };
  return engine;
}
