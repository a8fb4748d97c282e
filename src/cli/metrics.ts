// `metrics`: the supervised SAE metrics of Karvonen et al. (coverage and board reconstruction per
// board-state property family) plus L0, variance explained, loss recovered, l2 ratio and dead
// features, for an SAE or for a hook's own units (MLP neurons as an identity dictionary).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gameKit, type AnyGameKit } from '../games/kit';
import type { Kernels } from '../gpu/kernels';
import { hookNames, hookWidth } from '../model/config';
import type { Model } from '../model/weights';
import { supervisedMetrics, type ActivationSource, type SuiteResult } from '../metrics/suite';
import { cachingHookReader, cpuHookReader, cpuSaeRunner, gpuHookReader, gpuSaeRunner, neuronSource, saeSource } from '../metrics/sources';
import { loadSaeFiles } from '../sae/formats';
import type { Sae } from '../sae/types';
import { lossBaseline, lossRecovered } from '../train/sae-eval';
import { isNonNegativeInt, isPositiveInt, numberFlag, parseFlags, required, UsageError } from './args';
import { checkGameModel, readGamesFile, MODEL_FLAGS, readModel, readSaeFolder, withResidual } from './files';
import { probeBaseline, readProbe } from './metrics-probe';
import { withNodeGpu } from './gpu-context';

export const METRICS_USAGE = 'metrics --model <weights> [--config <config>] [--n-heads H] (--sae <SAE folder>[,<folder>...] | --neurons | --probe <probe.safetensors>) --hook <hook name> --game othello|chess ' +
  '(--games-file <file: first half train, second half test> | --train-games 1000 --test-games 1000 --seed 2024) ' +
  '[--bsp <family ids> | all (default: othello mine-yours,mine-yours-blank-mask,valid-moves; chess the board set and the 14 strategy properties)] [--loss-games 50] [--backend webgpu|cpu] --out <metrics.json, or a folder for several SAEs>';

const FLAGS = [...MODEL_FLAGS, 'sae', 'probe', 'neurons', 'hook', 'game', 'games-file', 'train-games', 'test-games', 'seed', 'bsp', 'loss-games', 'backend', 'out'];

function splits(flags: Map<string, string>, kit: AnyGameKit, nCtx: number): { train: unknown[]; test: unknown[]; source: string } {
  if (flags.has('games-file')) {
    if (flags.has('train-games') || flags.has('test-games') || flags.has('seed')) throw new UsageError('give either --games-file or --train-games/--test-games/--seed');
    const path = flags.get('games-file')!;
    const games = readGamesFile(path, kit.parseGamesFile);
    if (games.length < 2) throw new UsageError('the games file needs at least 2 games (first half train, second half test)');
    const half = Math.ceil(games.length / 2);
    return { train: games.slice(0, half), test: games.slice(half), source: path };
  }
  const n = numberFlag(flags, 'train-games', 1000, isPositiveInt, 'a positive integer');
  const m = numberFlag(flags, 'test-games', 1000, isPositiveInt, 'a positive integer');
  const seed = numberFlag(flags, 'seed', 2024, isNonNegativeInt, 'a non-negative integer');
  // evaluation seeds: disjoint from every training seed
  return { train: kit.evalGames(seed, n, nCtx), test: kit.evalGames(seed + 1, m, nCtx), source: `${kit.gamesDescription}, eval seeds ${seed} / ${seed + 1}` };
}

function families(flags: Map<string, string>, kit: AnyGameKit) {
  const raw = flags.get('bsp') ?? kit.defaultFamilies.join(',');
  if (raw === 'all') return [...kit.families];
  return raw.split(',').map((id) => {
    const f = kit.families.find((x) => x.id === id.trim());
    if (!f) throw new UsageError(`--bsp: unknown ${kit.id} property family "${id}" (known: ${kit.families.map((x) => x.id).join(', ')}, or all)`);
    return f;
  });
}

export async function runMetrics(argv: string[]): Promise<string> {
  const neurons = argv.includes('--neurons');
  const flags = parseFlags(argv.filter((a) => a !== '--neurons'), FLAGS);
  const game = required(flags, 'game');
  if (game !== 'othello' && game !== 'chess') throw new UsageError(`--game must be othello or chess, not "${game}"`);
  const kit = gameKit(game);
  if ([neurons, flags.has('sae'), flags.has('probe')].filter(Boolean).length !== 1) throw new UsageError('give exactly one of --sae <folder>, --neurons and --probe <file>');
  const backend = flags.get('backend') ?? 'webgpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, not "${backend}"`);
  const out = required(flags, 'out');
  const loaded = readModel(flags);
  checkGameModel(kit, loaded);
  const saes = (flags.get('sae')?.split(',') ?? []).map((dir) => ({ dir, sae: loadSaeFiles(readSaeFolder(dir)) }));
  const { model, residual, note: residualNote } = withResidual(flags, loaded, saes.map((x) => x.sae));
  const nCtx = model.config.nCtx;
  const tokenize = (g: unknown) => kit.tokens(g, nCtx);
  // every dictionary of a run scores the same positions: replay each game once
  const scored = new Map<unknown, ReturnType<typeof kit.evaluated>>();
  const evaluated = (g: unknown) => scored.get(g) ?? scored.set(g, kit.evaluated(g, nCtx)).get(g)!;
  const hook = required(flags, 'hook');
  if (!hookNames(model.config).includes(hook) || hook.endsWith('hook_pattern')) throw new UsageError(`--hook "${hook}" is not a hook of this model with one vector per position (e.g. blocks.0.hook_resid_post)`);
  const width = hookWidth(model.config, hook, model.config.nCtx);
  for (const { sae } of saes) if (sae.dIn !== width) throw new UsageError(`the SAE reads ${sae.dIn}-wide inputs but ${hook} is ${width} wide`);
  const lossGames = numberFlag(flags, 'loss-games', 50, isNonNegativeInt, 'a non-negative integer');
  const fams = families(flags, kit);
  const { train, test, source } = splits(flags, kit, nCtx);

  const t0 = performance.now();
  if (flags.has('probe')) {
    const { probe, kind } = readProbe(flags.get('probe')!, width);
    const run = async (kernels?: Kernels) => {
      const reader = kernels ? gpuHookReader(kernels, model, hook, tokenize) : { read: cpuHookReader(model, hook, tokenize), destroy: () => {} };
      try { return await probeBaseline(reader.read, probe, kind, fams, test, evaluated); } finally { reader.destroy(); }
    };
    const rows = backend === 'cpu' ? await run() : await withNodeGpu((k) => run(k));
    const result = { game, hook, residual, dictionary: `${kind} linear probe ${flags.get('probe')}`, games: { test: test.length, source }, backend,
      bsp: Object.fromEntries(rows.map((r) => [r.name, { id: r.id, board_reconstruction: r.board_reconstruction, counts: r.counts, positions: r.positions }])),
      seconds: { total: (performance.now() - t0) / 1000 } };
    writeFileSync(out, JSON.stringify(result, null, 2));
    return [`${result.dictionary} on ${hook} (${residualNote}):`, ...rows.map((r) => `  ${r.id}: reconstruction ${r.board_reconstruction.toFixed(3)} (${r.positions} test positions)`)].join('\n');
  }
  // Several SAEs on one hook share the model's activations (kept in memory, per game).
  const dictionaries: Array<Sae | undefined> = saes.length > 0 ? saes.map((x) => x.sae) : [undefined];
  const run = async (kernels?: Kernels) => {
    const reader = kernels ? gpuHookReader(kernels, model, hook, tokenize) : { read: cpuHookReader(model, hook, tokenize), destroy: () => {} };
    const read = saes.length > 1 ? cachingHookReader(reader.read) : reader.read;
    const suites: Array<{ suite: SuiteResult; seconds: number }> = [];
    try {
      for (const sae of dictionaries) {
        const t = performance.now();
        const saeRun = sae && (kernels ? gpuSaeRunner(kernels, sae) : { run: cpuSaeRunner(sae), destroy: () => {} });
        const src: ActivationSource<unknown> = sae ? saeSource(read, sae, saeRun!.run) : neuronSource(read, width);
        let last = '';
        try {
          suites.push({ suite: await supervisedMetrics(src, evaluated, fams, train, test, {
            onProgress: (stage, done, total) => {
              const line = `${stage} ${done}/${total}`;
              if (line !== last && (done === total || done % 256 === 0)) { console.error(line); last = line; }
            },
          }), seconds: (performance.now() - t) / 1000 });
        } finally {
          saeRun?.destroy();
        }
      }
    } finally {
      reader.destroy();
    }
    return suites;
  };
  const suites = backend === 'cpu' ? await run() : await withNodeGpu((k) => run(k));
  const lossSet = test.slice(0, lossGames).map(tokenize);
  const baseline = saes.length > 0 && lossGames > 0 && hook.includes('resid') ? lossBaseline(model, hook, lossSet) : undefined;
  if (saes.length > 1) mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  suites.forEach(({ suite, seconds }, i) => {
    const sae = saes[i]?.sae;
    const t = performance.now();
    const loss = sae && baseline ? lossRecovered(model, sae, hook, lossSet, baseline) : undefined;
    const result = report(suite, { game, model, sae, hook, backend, source, train: train.length, test: test.length, lossGames, loss, statsSeconds: seconds,
      totalSeconds: seconds + (performance.now() - t) / 1000 });
    writeFileSync(saes.length > 1 ? join(out, `${basename(saes[i].dir)}.json`) : out, JSON.stringify({ ...result, residual }, null, 2));
    lines.push(summary(result));
  });
  return [...lines, `(${residualNote})`].join('\n');
}

interface ReportContext {
  game: string; model: Model; sae?: Sae; hook: string; backend: string; source: string; train: number; test: number;
  lossGames: number; loss?: ReturnType<typeof lossRecovered>; statsSeconds: number; totalSeconds: number;
}

function report(s: SuiteResult, c: ReportContext) {
  return {
    game: c.game,
    hook: c.hook,
    dictionary: c.sae ? `${c.sae.kind} SAE (${c.sae.format}), ${c.sae.dSae} features` : `identity over ${s.features} units of ${c.hook}`,
    games: { train: c.train, test: c.test, source: c.source },
    backend: c.backend,
    l0: s.l0,
    frac_variance_explained: s.frac_variance_explained,
    frac_loss_recovered: c.loss?.frac_loss_recovered ?? null,
    loss: c.loss ? { games: c.lossGames, ce_original: c.loss.ce_original, ce_reconstructed: c.loss.ce_reconstructed, ce_zero_ablated: c.loss.ce_zero_ablated } : null,
    l2_ratio: s.l2_ratio,
    dead_fraction: s.dead_fraction,
    alive_features: s.alive_features,
    feature_scales: s.scales,
    positions: { train: s.train_positions, test: s.test_positions },
    bsp: Object.fromEntries(s.families.map((f) => [f.name, {
      id: f.id, size: f.size, ceiling: f.ceiling, observed_ceiling: f.observed_ceiling,
      coverage: f.coverage.coverage, coverage_threshold: f.coverage.threshold, coverage_per_threshold: f.coverage.per_threshold,
      f1_above_0_8: f.coverage.f1_above_0_8,
      board_reconstruction: f.reconstruction.board_reconstruction, reconstruction_threshold: f.reconstruction.threshold,
      reconstruction_f1_per_class: f.reconstruction.f1_per_class, reconstruction_f1_per_square: f.reconstruction.f1_per_square,
      // per entry (index ((row * R) + col) * C + class) at the coverage threshold: the best feature by SAE id
      best_features: f.coverage.best.map((b) => (b.feature < 0 ? null : { feature: s.alive_features[b.feature], f1: b.f1, precision: b.precision, recall: b.recall })),
    }])),
    seconds: { activations_and_statistics: c.statsSeconds, total: c.totalSeconds },
  };
}

function summary(r: ReturnType<typeof report>): string {
  const lines = [`${r.dictionary} on ${r.hook}: L0 ${r.l0.toFixed(1)}, alive ${r.alive_features.length}` +
    (r.frac_variance_explained === null ? '' : `, FVE ${r.frac_variance_explained.toFixed(4)}`) +
    (r.frac_loss_recovered === null ? '' : `, loss recovered ${r.frac_loss_recovered.toFixed(4)}`)];
  for (const [name, b] of Object.entries(r.bsp)) {
    lines.push(`  ${b.id}: coverage ${b.coverage.toFixed(3)} (t=${b.coverage_threshold.toFixed(1)}, ceiling ${b.ceiling.toFixed(3)}), ` +
      `reconstruction ${b.board_reconstruction.toFixed(3)} (t=${b.reconstruction_threshold.toFixed(1)})  [${name}]`);
  }
  lines.push(`${r.games.train} train + ${r.games.test} test games, ${r.seconds.total.toFixed(1)} s on ${r.backend}`);
  return lines.join('\n');
}
