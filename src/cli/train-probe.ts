// `train-probe`: linear probes on hook_resid_post of every layer, trained on the GPU, with
// per-layer held-out accuracy. Probe kinds: mine-theirs-empty (3 classes per square) and
// legal-moves (2 classes per square).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { legalMoveBoard, mineTheirsEmpty } from '../games/othello/bsp';
import { replay } from '../games/othello/notation';
import type { Model } from '../model/weights';
import { writeSafetensors } from '../tensor/safetensors';
import { collectActivations } from '../train/activations';
import { evalGames } from '../train/data';
import { accuracy, probePredict, trainProbe } from '../train/probe-trainer';
import type { Kernels } from '../gpu/kernels';
import { isPositiveInt, numberFlag, parseFlags, required, UsageError } from './args';
import { readModel } from './files';
import { withNodeGpu } from './gpu-context';

export const TRAIN_PROBE_USAGE = 'train-probe --model <weights.safetensors> --config <config.json> --probe mine-theirs-empty|legal-moves ' +
  '[--train-games 2000] [--test-games 500] [--seed 777] [--epochs 4] --out <folder>';

const PROBES = {
  'mine-theirs-empty': { classes: 3, labels: mineTheirsEmpty },
  'legal-moves': { classes: 2, labels: (s: Parameters<typeof legalMoveBoard>[0]) => legalMoveBoard(s) },
} as const;

interface Dataset { X: Float32Array[]; Y: Uint8Array; N: number }

/** Residual stream after every layer, and labels, at every position of the games. */
async function collect(k: Kernels, model: Model, games: number[][], probe: keyof typeof PROBES): Promise<Dataset> {
  const hooks = Array.from({ length: model.config.nLayers }, (_, l) => `blocks.${l}.hook_resid_post`);
  const { X, N } = await collectActivations(k, model, games, hooks);
  const Y = new Uint8Array(N * 64);
  let row = 0;
  for (const g of games) {
    const T = Math.min(g.length, model.config.nCtx), states = replay(g.slice(0, T));
    for (let i = 0; i < T; i++) Y.set(PROBES[probe].labels(states[i + 1], i), (row + i) * 64);
    row += T;
  }
  return { X, Y, N };
}

export async function runTrainProbe(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['model', 'config', 'probe', 'train-games', 'test-games', 'seed', 'epochs', 'out']);
  const probe = required(flags, 'probe');
  if (!(probe in PROBES)) throw new UsageError(`--probe must be one of ${Object.keys(PROBES).join(', ')}`);
  const int = (name: string, fallback: number) => numberFlag(flags, name, fallback, isPositiveInt, 'a positive integer');
  const trainGames = int('train-games', 2000), testGames = int('test-games', 500), seed = int('seed', 777), epochs = int('epochs', 4);
  const out = required(flags, 'out');
  const model = readModel(required(flags, 'model'), required(flags, 'config'));
  const kind = probe as keyof typeof PROBES, C = PROBES[kind].classes, d = model.config.dModel;
  mkdirSync(out, { recursive: true });
  return withNodeGpu(async (k) => {
    const train = await collect(k, model, evalGames(seed, trainGames), kind);
    const test = await collect(k, model, evalGames(seed + 1, testGames), kind);
    const results: Array<{ layer: number; hook: string; test_accuracy: number; train_accuracy: number }> = [];
    for (let l = 0; l < model.config.nLayers; l++) {
      const p = await trainProbe(k, train.X[l], train.Y, d, C, { epochs, batch: 1024, lr: 3e-3, weightDecay: 0.01, seed: seed + l });
      const hook = `blocks.${l}.hook_resid_post`;
      const res = { layer: l, hook, test_accuracy: accuracy(probePredict(p, test.X[l], test.N), test.Y), train_accuracy: accuracy(probePredict(p, train.X[l].subarray(0, 20000 * d), Math.min(20000, train.N)), train.Y.subarray(0, Math.min(20000, train.N) * 64)) };
      results.push(res);
      console.log(`layer ${l}: test accuracy ${(100 * res.test_accuracy).toFixed(2)}% (train ${(100 * res.train_accuracy).toFixed(2)}%)`);
      writeFileSync(join(out, `${kind}-L${l}.safetensors`), writeSafetensors([['W', { shape: [d, 8, 8, C], data: p.W }], ['b', { shape: [8, 8, C], data: p.b }]],
        { metadata: { probe: kind, hook, classes: kind === 'legal-moves' ? 'not-legal,legal' : 'theirs,empty,mine', test_accuracy: String(res.test_accuracy) } }));
    }
    const best = results.reduce((a, b) => (b.test_accuracy > a.test_accuracy ? b : a));
    writeFileSync(join(out, `${kind}-results.json`), JSON.stringify({ probe: kind, train_games: trainGames, test_games: testGames, seed, epochs,
      train_positions: train.N, test_positions: test.N, layers: results, best_layer: best.layer }, null, 2));
    return `${kind}: best layer ${best.layer} with ${(100 * best.test_accuracy).toFixed(2)}% per-square test accuracy; probes in ${out}`;
  });
}
