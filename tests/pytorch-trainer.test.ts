// The PyTorch trainer (pytorch/) against the project's own engines: the same weights give the same
// logits as the CPU reference and the WGSL forward, one batch gives the same gradients as the WGSL
// trainer, its held-out scoring equals train-model's, a resumed run equals an uninterrupted one,
// two gloo processes (torchrun, DDP) equal one process, and a bad config stops before any work.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { loadModel, toTransformerLensDict } from '../src/model/adapters';
import { toHookedTransformerConfig, type ModelConfig } from '../src/model/config';
import { cpuForward } from '../src/model/cpu-forward';
import { randomModel } from '../src/model/random';
import type { Model, ModelWeights } from '../src/model/weights';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors';
import { chessEvalGames } from '../src/train/chess-data';
import { chessLegality, sampleBoundaries } from '../src/train/chess-eval';
import { evalGames, IGNORE, type TokenBatch } from '../src/train/data';
import { evaluateLegalMoves } from '../src/train/eval';
import { GpuModel } from '../src/gpu/model-runner';
import { GpuModelTrainer } from '../src/train/model-trainer';
import type { Kernels } from '../src/gpu/kernels';
import type { GpuContext } from '../src/gpu/context';
import { ROOT } from './helpers/cli';
import { gpuKernels } from './helpers/gpu';

const exec = promisify(execFile);
const PY = '/usr/bin/python3';
let ctx: GpuContext;
let k: Kernels;
let dir: string;
beforeAll(async () => {
  ({ ctx, kernels: k } = await gpuKernels());
  dir = mkdtempSync(join(tmpdir(), 'torch-'));
});
afterAll(() => {
  ctx?.device.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function py(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(PY, [join(ROOT, 'pytorch', script), ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Writes a model as the workbench's own files (TransformerLens safetensors + config JSON). */
function writeModel(model: Model, name: string): { weights: string; config: string } {
  const weights = join(dir, `${name}.safetensors`), config = join(dir, `${name}.json`);
  writeFileSync(weights, writeSafetensors(toTransformerLensDict(model)));
  writeFileSync(config, JSON.stringify(toHookedTransformerConfig(model.config)));
  return { weights, config };
}

/** Largest |a - b| over the largest |b|: relative to the tensor's scale. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0, scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return Number.isFinite(diff) ? diff / scale : Infinity;
}

function randomBatch(c: ModelConfig, B: number, seed: number): TokenBatch {
  const rng = mulberry32(seed), T = c.nCtx;
  const tokens = Uint32Array.from({ length: B * T }, () => Math.floor(rng() * c.dVocab));
  const targets = Uint32Array.from({ length: B * T }, (_, i) => (i % 5 === 2 ? IGNORE : Math.floor(rng() * c.dVocab)));
  return { B, T, tokens, targets, count: targets.filter((t) => t !== IGNORE).length, games: [] };
}

const rows = (a: Uint32Array, B: number, T: number, ignore = false) =>
  Array.from({ length: B }, (_, b) => Array.from(a.subarray(b * T, (b + 1) * T), (t) => (ignore && t === IGNORE ? -1 : t)));

const SHAPES: Array<[string, ModelConfig]> = [
  ['2 layers, d 16, exact GELU', { nLayers: 2, dModel: 16, nHeads: 2, dHead: 6, dMlp: 40, dVocab: 13, nCtx: 9, gelu: 'exact', normalization: 'LN', eps: 1e-5 }],
  ['3 layers, d 48, tanh GELU, Othello vocabulary', { nLayers: 3, dModel: 48, nHeads: 3, dHead: 16, dMlp: 96, dVocab: 61, nCtx: 23, gelu: 'tanh', normalization: 'LN', eps: 1e-5 }],
];

describe('PyTorch model against the CPU reference, the WGSL forward and the WGSL trainer', () => {
  for (const [label, config] of SHAPES) {
    it(`logits and one batch's gradients agree (${label})`, async () => {
      const model = randomModel(config, 7);
      const files = writeModel(model, `m${config.nLayers}`);
      const B = 3, batch = randomBatch(config, B, 11);
      const batchFile = join(dir, 'batch.json'), out = join(dir, 'out.safetensors');
      writeFileSync(batchFile, JSON.stringify({ tokens: rows(batch.tokens, B, config.nCtx), targets: rows(batch.targets, B, config.nCtx, true) }));
      const r = await py('check.py', '--weights', files.weights, '--config', files.config, '--batch', batchFile, '--out', out);
      expect(r.stderr).toBe('');
      const got = readSafetensors(new Uint8Array(readFileSync(out))).tensors;
      const torchLogits = got.get('logits')!.data;
      const V = config.dVocab, T = config.nCtx;
      const gpu = new GpuModel(k, model);
      const gpuLogits = (await gpu.forward(rows(batch.tokens, B, T))).logits;
      gpu.destroy();
      let worstCpu = 0, worstGpu = 0;
      for (let b = 0; b < B; b++) {
        const mine = torchLogits.subarray(b * T * V, (b + 1) * T * V);
        worstCpu = Math.max(worstCpu, relError(mine, cpuForward(model, rows(batch.tokens, B, T)[b]).logits));
        worstGpu = Math.max(worstGpu, relError(mine, gpuLogits[b]));
      }
      expect(worstCpu).toBeLessThan(1e-4);
      expect(worstGpu).toBeLessThan(1e-4);
      // Gradients: torch's TransformerLens-named grads, read by the same adapter as any model file.
      const gradDict = new Map([...got].filter(([n]) => n.startsWith('grad.')).map(([n, t]) => [n.slice(5), t]));
      const torchGrads = loadModel(gradDict, toHookedTransformerConfig(config)).weights;
      const trainer = new GpuModelTrainer(k, model, { batch: B, adam: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }, clipNorm: 1e9 });
      const wgslGrads = await trainer.gradients(batch);
      trainer.destroy();
      const pairs: Array<[string, (w: ModelWeights) => Float32Array]> = [
        ['wE', (w) => w.wE], ['wPos', (w) => w.wPos], ['lnFW', (w) => w.lnFW], ['lnFB', (w) => w.lnFB], ['wU', (w) => w.wU], ['bU', (w) => w.bU],
        ...model.weights.layers.flatMap((_, l) => (['ln1W', 'ln1B', 'wQ', 'wK', 'wV', 'bQ', 'bK', 'bV', 'wO', 'bO', 'ln2W', 'ln2B', 'wIn', 'bIn', 'wOut', 'bOut'] as const)
          .map((f) => [`${l}.${f}`, (w: ModelWeights) => w.layers[l][f]] as [string, (w: ModelWeights) => Float32Array])),
      ];
      const scale = Math.max(...pairs.map(([, pick]) => Math.max(...Array.from(pick(wgslGrads), Math.abs))));
      let worstGrad = 0;
      for (const [name, pick] of pairs) {
        if (name.endsWith('.bK')) {
          // The key bias adds the same q.b_K to every score of a query, which softmax ignores: its
          // true gradient is zero, and both engines must give rounding noise only.
          for (const g of [pick(torchGrads), pick(wgslGrads)]) expect(Math.max(...Array.from(g, Math.abs)), name).toBeLessThan(1e-5 * scale);
          continue;
        }
        const e = relError(pick(torchGrads), pick(wgslGrads));
        worstGrad = Math.max(worstGrad, e);
        expect(e, name).toBeLessThan(1e-3);
      }
      console.log(`[torch cross-check] ${label}: logits vs CPU reference ${worstCpu.toExponential(2)}, vs WGSL ${worstGpu.toExponential(2)}; gradients vs WGSL trainer ${worstGrad.toExponential(2)} (worst tensor)`);
    });
  }
});

function runConfig(game: 'othello' | 'chess', steps: number, batch = 4): Record<string, unknown> {
  const model = game === 'othello'
    ? { n_layers: 2, d_model: 32, n_heads: 2, d_head: 16, d_mlp: 64, d_vocab: 61, n_ctx: 59, act_fn: 'gelu', normalization_type: 'LN', eps: 1e-5 }
    : { n_layers: 1, d_model: 32, n_heads: 2, d_head: 16, d_mlp: 64, d_vocab: 32, n_ctx: 96, act_fn: 'gelu', normalization_type: 'LN', eps: 1e-5 };
  return { game, model, init_seed: 0, data_seed: 1, batch, steps, lr: 0.003, warmup_steps: 2, min_lr_ratio: 0.1, weight_decay: 0.01, beta1: 0.9, beta2: 0.99, clip_norm: 1, checkpoint_minutes: 5 };
}

const weightsOf = (folder: string) => readSafetensors(new Uint8Array(readFileSync(join(folder, 'model.safetensors')))).tensors;

function maxWeightDiff(a: string, b: string): number {
  const A = weightsOf(a), Bt = weightsOf(b);
  expect([...A.keys()].sort()).toEqual([...Bt.keys()].sort());
  return Math.max(...[...A].map(([n, t]) => relError(t.data, Bt.get(n)!.data)));
}

describe('PyTorch training runs', () => {
  it('a run resumed from its checkpoint ends with the weights of an uninterrupted run', async () => {
    const cfg = join(dir, 'resume.json');
    writeFileSync(cfg, JSON.stringify(runConfig('othello', 6)));
    const whole = join(dir, 'whole'), parts = join(dir, 'parts');
    const a = await py('train.py', '--config', cfg, '--out', whole, '--eval-count', '5');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/step 6\/6 {2}loss \d+\.\d+ {2}grad-norm [\d.]+ {2}lr [\d.e+-]+ {2}\d+ tokens\/s {2}ETA 0m00s/);
    const b1 = await py('train.py', '--config', cfg, '--out', parts, '--stop-after', '3', '--eval-count', '5');
    expect(b1.stdout).toContain('stopped at step 3');
    const again = await py('train.py', '--config', cfg, '--out', parts, '--eval-count', '5');
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`error: a run already exists in ${parts}; pass --resume to continue it`);
    const b2 = await py('train.py', '--config', cfg, '--out', parts, '--resume', '--eval-count', '5');
    expect(b2.stdout).toContain('resuming at step 3');
    expect(maxWeightDiff(whole, parts)).toBeLessThan(1e-6);
    const config = JSON.parse(readFileSync(join(parts, 'config.json'), 'utf8'));
    // The files load in the workbench unchanged.
    expect(() => loadModel(weightsOf(parts), config)).not.toThrow();
    const history = JSON.parse(readFileSync(join(whole, 'history.json'), 'utf8'));
    expect(history.at(-1).step).toBe(6);
  });

  it('a run whose checkpoint folder is lost continues from its exported weights with --recover', async () => {
    const cfg = join(dir, 'recover.json');
    writeFileSync(cfg, JSON.stringify(runConfig('othello', 6)));
    const out = join(dir, 'recover');
    expect((await py('train.py', '--config', cfg, '--out', out, '--stop-after', '3', '--eval-count', '5')).code).toBe(0);
    const before = weightsOf(out);
    const both = await py('train.py', '--config', cfg, '--out', out, '--recover', '--eval-count', '5');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('continue it with --resume');
    rmSync(join(out, 'torch-ckpt'), { recursive: true });
    const lost = await py('train.py', '--config', cfg, '--out', out, '--resume', '--eval-count', '5');
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('continues with --recover');
    const other = join(dir, 'recover-other.json');
    const base = runConfig('othello', 6);
    writeFileSync(other, JSON.stringify({ ...base, model: { ...(base.model as object), d_mlp: 48 } }));
    const wrong = await py('train.py', '--config', other, '--out', out, '--recover', '--eval-count', '5');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not the model of --config');
    const r = await py('train.py', '--config', cfg, '--out', out, '--recover', '--eval-count', '5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('recovering at step 3 (fresh AdamW moments)');
    expect(r.stdout).toContain('finished at step 6');
    // It started from the exported weights (not a fresh init) and went on training them.
    const after = weightsOf(out);
    const changed = [...before].some(([n, t]) => relError(t.data, after.get(n)!.data) > 0);
    expect(changed).toBe(true);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history.at(-1).step).toBe(6);
  });

  it('two gloo processes under torchrun (DDP) compute the gradients of one process on the whole batch', async () => {
    const cfg = join(dir, 'ddp.json');
    // No clipping: a clipped gradient would hide a wrongly scaled one.
    writeFileSync(cfg, JSON.stringify({ ...runConfig('othello', 4, 6), clip_norm: 1e6 }));
    const one = join(dir, 'one'), two = join(dir, 'two');
    const torchrun = async (...args: string[]) => {
      try {
        // --redirects/--tee: Debian's torch 1.13 on Python 3.11 parses their default "0" to None and fails (see pytorch/train.py).
        await exec('torchrun', ['--standalone', '--nproc_per_node', '2', '--redirects', '2', '--tee', '2', join(ROOT, 'pytorch', 'train.py'), ...args], { cwd: ROOT, env: { ...process.env, OMP_NUM_THREADS: '1' } });
        return '';
      } catch (e) {
        return (e as { stderr: string }).stderr || 'failed';
      }
    };
    // After one step AdamW's first moment is (1 - beta1) x the clipped gradient: compare those
    // exactly (later weights are not comparable elementwise, since Adam turns the rounding noise of
    // zero gradients such as b_K's into full-size steps).
    expect((await py('train.py', '--config', cfg, '--out', one, '--eval-count', '5', '--stop-after', '1')).code).toBe(0);
    expect(await torchrun('--config', cfg, '--out', two, '--eval-count', '5', '--stop-after', '1')).toBe('');
    const compare = `
import torch, sys
a, b = (torch.load(p + '/torch-ckpt/checkpoint.pt') for p in sys.argv[1:3])
assert a['step'] == b['step'] == 1
worst = 0.0
for i, sa in a['optim']['state'].items():
    ma, mb = sa['exp_avg'], b['optim']['state'][i]['exp_avg']
    worst = max(worst, float((ma - mb).abs().max() / ma.abs().max().clamp(min=1e-12)) if ma.abs().max() > 1e-9 else 0.0)
print(worst, len(a['optim']['state']))`;
    const r = await exec(PY, ['-c', compare, one, two]);
    const [worst, params] = r.stdout.trim().split(' ').map(Number);
    expect(params).toBe(2 + 2 * 16 + 4); // embeddings, 16 tensors per layer, final LayerNorm and unembedding
    expect(worst).toBeLessThan(1e-5);
    // And the loss of the next three steps agrees.
    expect((await py('train.py', '--config', cfg, '--out', one, '--eval-count', '5', '--resume')).code).toBe(0);
    expect(await torchrun('--config', cfg, '--out', two, '--eval-count', '5', '--resume')).toBe('');
    const loss = (p: string) => JSON.parse(readFileSync(join(p, 'history.json'), 'utf8')).at(-1).loss;
    expect(Math.abs(loss(one) - loss(two)) / loss(one)).toBeLessThan(1e-4);
  });

  it('a bad config is refused with one line before any work', async () => {
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ ...runConfig('othello', 4), model: { ...runConfig('othello', 4).model as object, d_vocab: 32 } }));
    const r = await py('train.py', '--config', cfg, '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: training config: a othello model needs d_vocab 61 (got 32)');
  });
});

describe('PyTorch held-out scoring equals train-model\'s', () => {
  // On the shipped default models, whose predictions are mostly but not always legal.
  for (const game of ['othello', 'chess'] as const) {
    it(`${game}: the same positions and the same score`, async () => {
      const count = game === 'othello' ? 20 : 24;
      const setFile = join(dir, `${game}-set.json`);
      const made = await exec(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'eval-set', '--config', join(ROOT, `configs/${game}-default.json`), '--out', setFile, '--count', String(count)], { cwd: ROOT });
      expect(made.stdout).toContain('written to');
      const run = join(ROOT, `runs/${game}-default`);
      const r = await py('check.py', '--weights', join(run, 'model.safetensors'), '--config', join(run, 'config.json'), '--eval-set', setFile);
      const got = JSON.parse(r.stdout);
      const model = loadModel(weightsOf(run), JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')));
      const gpu = new GpuModel(k, model);
      const logits = async (b: number[][]) => (await gpu.forward(b)).logits;
      const T = model.config.nCtx;
      if (game === 'othello') {
        const m = await evaluateLegalMoves(evalGames(4242, count), T, model.config.dVocab, logits);
        expect(got.positions).toBe(m.positions);
        expect(m.legalTop1).toBeGreaterThan(0.5);
        expect(m.legalTop1).toBeLessThan(1);
        expect(got.legal_top1).toBeCloseTo(m.legalTop1, 10);
        expect(got.legal_mass).toBeCloseTo(m.legalMass, 4);
      } else {
        const m = await chessLegality(sampleBoundaries(chessEvalGames(4242, count, T), T, 4242), logits, model.config.dVocab, T);
        expect(got.positions).toBe(m.positions);
        expect(m.legal).toBeGreaterThan(0);
        expect(m.legal).toBeLessThan(m.positions);
        expect(got.legal_greedy).toBeCloseTo(m.rate, 10);
      }
      gpu.destroy();
    });
  }
});
