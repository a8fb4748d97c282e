// `train-probe`: linear probes on hook_resid_post of every layer, trained on the GPU, with
// per-layer held-out accuracy. Probe kinds come from the game: Othello mine-theirs-empty (3 classes
// per square) and legal-moves (2); chess piece (13 classes, at the '.' characters, spec 5).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gameKit, type AnyGameKit, type ProbeSpec } from '../games/kit';
import type { Model } from '../model/weights';
import { writeSafetensors } from '../tensor/safetensors';
import { collectActivations } from '../train/activations';
import { accuracy, majorityBaseline, probePredict, trainProbe } from '../train/probe-trainer';
import type { Kernels } from '../gpu/kernels';
import { isPositiveInt, numberFlag, parseFlags, required, UsageError } from './args';
import { checkGameModel, MODEL_FLAGS, readModel, withResidual } from './files';
import { withNodeGpu } from './gpu-context';

export const TRAIN_PROBE_USAGE = 'train-probe --model <weights: .safetensors | .pt | .pth | .bin> [--config <config.json>] [--n-heads H] [--game othello|chess] ' +
  '--probe mine-theirs-empty|legal-moves (othello) | piece (chess) [--train-games 2000] [--test-games 500] [--seed 777] [--epochs 4] --out <folder>';

interface Dataset { X: Float32Array[]; Y: Uint8Array; N: number }

/** Residual stream after every layer at the game's evaluated positions, and the probe's labels there. */
async function collect(k: Kernels, model: Model, kit: AnyGameKit, games: unknown[], probe: ProbeSpec<unknown>): Promise<Dataset> {
  const { nCtx, nLayers } = model.config;
  const hooks = Array.from({ length: nLayers }, (_, l) => `blocks.${l}.hook_resid_post`);
  const evaluated = games.map((g) => kit.evaluated(g, nCtx));
  const { X, N } = await collectActivations(k, model, games.map((g) => kit.tokens(g, nCtx)), hooks, evaluated.map((e) => e.rows));
  const Y = new Uint8Array(N * 64);
  let row = 0;
  for (const e of evaluated) for (const p of e.positions) Y.set(probe.labels(p), 64 * row++);
  return { X, Y, N };
}

export async function runTrainProbe(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, [...MODEL_FLAGS, 'game', 'probe', 'train-games', 'test-games', 'seed', 'epochs', 'out']);
  const game = flags.get('game') ?? 'othello';
  if (game !== 'othello' && game !== 'chess') throw new UsageError(`--game must be othello or chess, not "${game}"`);
  const kit = gameKit(game);
  const kind = required(flags, 'probe');
  if (!(kind in kit.probes)) throw new UsageError(`--probe for ${game} must be one of ${Object.keys(kit.probes).join(', ')}`);
  const probe = kit.probes[kind];
  const int = (name: string, fallback: number) => numberFlag(flags, name, fallback, isPositiveInt, 'a positive integer');
  const trainGames = int('train-games', 2000), testGames = int('test-games', 500), seed = int('seed', 777), epochs = int('epochs', 4);
  const out = required(flags, 'out');
  // --residual centred trains on TransformerLens' centred stream (as the paper's probes and Othello SAEs were)
  const { model } = withResidual(flags, readModel(flags));
  checkGameModel(kit, model);
  const C = probe.classes, d = model.config.dModel, nCtx = model.config.nCtx;
  mkdirSync(out, { recursive: true });
  return withNodeGpu(async (k) => {
    const train = await collect(k, model, kit, kit.evalGames(seed, trainGames, nCtx), probe);
    const test = await collect(k, model, kit, kit.evalGames(seed + 1, testGames, nCtx), probe);
    const baseline = majorityBaseline(train.Y, test.Y, C);
    console.log(`majority-class baseline (no model): ${(100 * baseline).toFixed(2)}%`);
    const results: Array<{ layer: number; hook: string; test_accuracy: number; train_accuracy: number }> = [];
    const trainCheck = Math.min(20000, train.N);
    for (let l = 0; l < model.config.nLayers; l++) {
      const p = await trainProbe(k, train.X[l], train.Y, d, C, { epochs, batch: 1024, lr: 3e-3, weightDecay: 0.01, seed: seed + l });
      const hook = `blocks.${l}.hook_resid_post`;
      const res = { layer: l, hook, test_accuracy: accuracy(probePredict(p, test.X[l], test.N), test.Y),
        train_accuracy: accuracy(probePredict(p, train.X[l].subarray(0, trainCheck * d), trainCheck), train.Y.subarray(0, trainCheck * 64)) };
      results.push(res);
      console.log(`layer ${l}: test accuracy ${(100 * res.test_accuracy).toFixed(2)}% (train ${(100 * res.train_accuracy).toFixed(2)}%)`);
      writeFileSync(join(out, `${kind}-L${l}.safetensors`), writeSafetensors([['W', { shape: [d, 8, 8, C], data: p.W }], ['b', { shape: [8, 8, C], data: p.b }]],
        { metadata: { probe: kind, game, hook, classes: probe.classNames.join(','), test_accuracy: String(res.test_accuracy) } }));
    }
    const best = results.reduce((a, b) => (b.test_accuracy > a.test_accuracy ? b : a));
    writeFileSync(join(out, `${kind}-results.json`), JSON.stringify({ game, probe: kind, train_games: trainGames, test_games: testGames, seed, epochs,
      train_positions: train.N, test_positions: test.N, majority_baseline_accuracy: baseline, layers: results, best_layer: best.layer }, null, 2));
    return `${kind}: best layer ${best.layer} with ${(100 * best.test_accuracy).toFixed(2)}% per-square test accuracy; probes in ${out}`;
  });
}
