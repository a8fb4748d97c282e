// `model-card`: writes public/models/<id>/README.md and the manifest entry from the measured
// outputs in a shipped model folder (eval.json, curve.json, history.json, probe results, SAE
// metrics) and the run's logs. Every number in the card comes from those files.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseModelConfig } from '../model/config';
import { gameKit } from '../games/kit';
import { readSafetensors } from '../tensor/safetensors';
import { parseFlags, required, UsageError } from './args';
import { readJson } from './files';
import { readMetricsFolder, supervisedMetricsSection } from './model-card-metrics';

export const MODEL_CARD_USAGE = 'model-card --dir <public/models/ID> --run <run folder> --manifest <public/models/index.json> [--random-init <public/models/RANDOM_ID>] [--study <runs/study>] [--config <run config.json>]';

interface Curve { step: number; legal_top1?: number; legal_mass?: number; legal_greedy?: number }
interface SaeEntry { id: string; path: string; kind: string; hook: string; config: Record<string, unknown>; metrics: Record<string, number> }

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** What the card says about quality, per game: the goal, the eval table, the curve columns. */
interface Quality {
  title: string; data: string; goal: string; evalGames: number; errorName: string; errorTarget: number;
  headline(ev: Record<string, number>): number;
  goalMet(ev: Record<string, number>): boolean;
  curveRate(c: Curve): number | undefined;
  curveText: string; curveColumns: string[]; curveCells(c: Curve | undefined): string[];
  qualityRows(ev: Record<string, number>): string[];
  summary(ev: Record<string, number>): string;
  manifestMetrics(ev: Record<string, number>): Record<string, number>;
}

const OTHELLO_QUALITY: Quality = {
  title: 'Othello-GPT',
  data: 'seeded random legal Othello games (Li et al.\'s synthetic distribution), with Li et al.\'s 61-token vocabulary and 59-move context.',
  goal: 'top-1 legal >= 99%, legal mass >= 0.95 on 2,000 fresh games', evalGames: 2000, errorName: 'top-1 error', errorTarget: 0.01,
  headline: (ev) => ev.legalTop1,
  goalMet: (ev) => ev.legalTop1 >= 0.99 && ev.legalMass >= 0.95,
  curveRate: (c) => c.legal_top1,
  curveText: 'the legal-move columns score 200 fixed held-out games at each checkpoint.',
  curveColumns: ['legal top-1 (200 games)', 'legal mass (200 games)'],
  curveCells: (c) => (c?.legal_top1 !== undefined ? [`${pct(c.legal_top1)} (step ${c.step})`, c.legal_mass!.toFixed(4)] : ['', '']),
  qualityRows: (ev) => ['## Quality on 2,000 fresh games', '', '| metric | value | goal |', '|---|---|---|',
    `| top-1 prediction is legal | ${pct(ev.legalTop1)} | >= 99% |`,
    `| mean probability on legal moves | ${ev.legalMass.toFixed(4)} | >= 0.95 |`,
    `| next-move cross-entropy | ${ev.loss.toFixed(4)} | |`,
    `| positions scored | ${ev.positions.toLocaleString('en-US')} | |`],
  summary: (ev) => `top-1 legal ${pct(ev.legalTop1)} on 2,000 fresh games`,
  manifestMetrics: (ev) => ({ legal_top1: ev.legalTop1, legal_mass: ev.legalMass }),
};

const CHESS_QUALITY: Quality = {
  title: 'Chess-GPT',
  data: 'seeded generated chess games, one token per character of Karvonen\'s 32-character transcript format (";1.e4 e5 2.Nf3 ...").',
  goal: '>= 95% of greedy next moves legal at 1,000 fresh positions', evalGames: 1000, errorName: 'illegal greedy moves', errorTarget: 0.05,
  headline: (ev) => ev.legal_greedy,
  goalMet: (ev) => ev.legal_greedy >= 0.95,
  curveRate: (c) => c.legal_greedy,
  curveText: 'the last column is the share of legal greedy next moves at 200 fixed held-out positions at each checkpoint.',
  curveColumns: ['greedy next move legal (200 positions)'],
  curveCells: (c) => [c?.legal_greedy !== undefined ? `${pct(c.legal_greedy)} (step ${c.step})` : ''],
  qualityRows: (ev) => [`## Quality on ${ev.positions.toLocaleString('en-US')} fresh positions`, '',
    'At one move boundary per fresh game (after "N." or after White\'s move, at least 8 characters before the context ends) the model writes characters greedily up to a space; the move counts when chess.js accepts it as strict SAN in that position.', '',
    '| metric | value | goal |', '|---|---|---|',
    `| greedy next move is legal | ${pct(ev.legal_greedy)} | >= 95% |`,
    `| positions scored | ${ev.positions.toLocaleString('en-US')} | |`],
  summary: (ev) => `greedy next move legal at ${pct(ev.legal_greedy)} of ${ev.positions.toLocaleString('en-US')} fresh positions`,
  manifestMetrics: (ev) => ({ legal_greedy: ev.legal_greedy }),
};

/** Seconds of training from the progress lines (each covers 10 steps at the printed tokens/s); `latestRate`
 *  is the last log's own rate, which projections use, since kernels got faster between parts of a run. */
function trainingSeconds(runDir: string, tokensPerStep: number): { seconds: number; rate: number; latestRate: number } {
  let seconds = 0, steps = 0, latestRate = 0;
  for (const f of readdirSync(runDir).filter((n) => n.startsWith('train') && n.endsWith('.log')).sort()) {
    let partSeconds = 0, partSteps = 0;
    for (const line of readFileSync(join(runDir, f), 'utf8').split('\n')) {
      const m = /^step (\d+)\/\d+ .* (\d+) tokens\/s/.exec(line);
      if (m && Number(m[2]) > 0) { partSeconds += (10 * tokensPerStep) / Number(m[2]); partSteps += 10; }
    }
    if (partSteps > 0) latestRate = (partSteps * tokensPerStep) / partSeconds;
    seconds += partSeconds; steps += partSteps;
  }
  return { seconds, rate: steps > 0 ? (steps * tokensPerStep) / seconds : 0, latestRate };
}

/** Games needed for the error (1 - legal rate) to fall to `target`, from a power law fitted to the last curve points (log-log least squares). */
function projectGames(curve: Curve[], rate: (c: Curve) => number | undefined, gamesPerStep: number, target: number): number | undefined {
  const pts = curve.map((c) => ({ step: c.step, r: rate(c) })).filter((c) => c.step > 0 && c.r !== undefined && c.r < 1).slice(-6)
    .map((c) => [Math.log(c.step * gamesPerStep), Math.log(1 - c.r!)]);
  if (pts.length < 3) return undefined;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length, my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  if (!(slope < 0)) return undefined;
  return Math.exp(mx + (Math.log(target) - my) / slope);
}

export async function runModelCard(argv: string[]): Promise<string> {
  const flags = parseFlags(argv, ['dir', 'run', 'manifest', 'random-init', 'study', 'config']);
  const dir = required(flags, 'dir'), runDir = required(flags, 'run'), manifestPath = required(flags, 'manifest');
  const id = basename(dir);
  const run = readJson(join(dir, 'training-config.json'), 'training config') as Record<string, number> & { game?: string };
  const game = run.game === 'chess' ? 'chess' : 'othello', chess = game === 'chess', kit = gameKit(game);
  const config = parseModelConfig(readJson(join(dir, 'config.json'), 'config'));
  const ev = readJson(join(dir, 'eval.json'), 'eval') as Record<string, number>;
  const history = readJson(join(runDir, 'history.json'), 'history') as Array<{ step: number; loss: number }>;
  const curve = (existsSync(join(runDir, 'curve.json')) ? readJson(join(runDir, 'curve.json'), 'curve') : []) as Curve[];
  const step = history.length ? history[history.length - 1].step : 0;
  const gamesPerStep = run.batch, tokensPerStep = run.batch * config.nCtx;
  const { seconds, rate: meanRate, latestRate: rate } = trainingSeconds(runDir, tokensPerStep);
  const logs = readdirSync(runDir).filter((n) => n.startsWith('train') && n.endsWith('.log')).map((n) => readFileSync(join(runDir, n), 'utf8'));
  const adapter = logs.map((l) => /^(?:starting|resuming at step \d+): .* on (.*)$/m.exec(l)?.[1]).find(Boolean) ?? 'unknown adapter';
  const probes = Object.keys(kit.probes).filter((k) => existsSync(join(dir, 'probes', `${k}-results.json`)))
    .map((k) => readJson(join(dir, 'probes', `${k}-results.json`), 'probe results') as { probe: string; layers: Array<{ layer: number; test_accuracy: number; train_accuracy: number }>; best_layer: number; train_games: number; test_games: number; majority_baseline_accuracy?: number });
  const saes = readSaeEntries(dir);
  const q = chess ? CHESS_QUALITY : OTHELLO_QUALITY;
  if (!Number.isFinite(q.headline(ev))) throw new UsageError(`${join(dir, 'eval.json')} has no ${chess ? 'legal_greedy' : 'legalTop1'}`);

  // Which trainer made the weights: the PyTorch trainer writes trainer=pytorch into their metadata.
  const torchTrained = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), 'model').metadata.trainer === 'pytorch';
  const runConfigPath = flags.get('config') ?? `configs/${game}-default.json`;
  const goalMet = q.goalMet(ev);
  const projected = goalMet ? undefined : projectGames(curve, q.curveRate, gamesPerStep, q.errorTarget);
  const lines: string[] = [];
  lines.push(`# ${id}: ${q.title} trained by this project`, '',
    `A ${config.nLayers}-layer GPT trained from scratch ${torchTrained ? 'with PyTorch (`pytorch/train.py`, the same data, schedule and optimiser as the WGSL trainer)' : "with the workbench's own WGSL training code"} on ${q.data} ` +
    `Files: \`model.safetensors\` ` +
    `(TransformerLens key names, unprocessed, LayerNorm with affine parameters) and \`config.json\` (HookedTransformerConfig fields).`, '',
    `**Status: ${goalMet ? 'meets' : 'does not yet meet'} the quality goal** (${q.goal}). ` +
    (goalMet ? '' : 'The run is resumable and continues in later sessions (see "Projection").'), '',
    '## Architecture', '',
    '| n_layers | d_model | n_heads x d_head | d_mlp | d_vocab | n_ctx | act_fn | normalization | parameters |', '|---|---|---|---|---|---|---|---|---|',
    `| ${config.nLayers} | ${config.dModel} | ${config.nHeads} x ${config.dHead} | ${config.dMlp} | ${config.dVocab} | ${config.nCtx} | ${config.gelu === 'exact' ? 'gelu (erf)' : 'gelu_new (tanh)'} | ${config.normalization} | ${paramCount(config).toLocaleString('en-US')} |`, '',
    '## Training', '',
    `- Data: ${chess ? 'generated games (at each half-move a uniformly random forcing move - capture or check - with probability 0.5, else a uniformly random legal move), the first ' + config.nCtx + ' characters of each' : 'random legal games'}, a fresh batch of ${run.batch} games per step, game seeds derived from (data_seed ${run.data_seed}, step, index); evaluation seeds have the top bit set and never overlap.`,
    `- Optimiser: AdamW (betas ${run.beta1}/${run.beta2}, weight decay ${run.weight_decay} on matrices and embeddings), peak lr ${run.lr}, ${run.warmup_steps} warm-up steps, cosine decay to ${run.min_lr_ratio} x peak over ${run.steps} steps, gradient clipping at norm ${run.clip_norm}.`,
    `- Seen so far: **${step.toLocaleString('en-US')} steps = ${(step * gamesPerStep).toLocaleString('en-US')} games = ${(step * tokensPerStep).toLocaleString('en-US')} tokens**, of the ${run.steps.toLocaleString('en-US')}-step schedule.`,
    `- Wall time: ${(seconds / 3600).toFixed(2)} h of training at ${meanRate.toFixed(0)} tokens/s on average (${rate.toFixed(0)} tokens/s in the latest part) on ${adapter} (a 2-core CPU machine without a GPU; Vulkan on Mesa's lavapipe via Dawn).`, '');
  lines.push('### Learning curve', '', `Training loss is the mean next-${chess ? 'character' : 'move'} cross-entropy of the last 10 steps; ${q.curveText}`, '',
    `| step | games | train loss | ${q.curveColumns.join(' | ')} |`, `|---|---|---|${q.curveColumns.map(() => '---|').join('')}`);
  const stride = Math.max(1, Math.ceil(history.length / 15));
  const rows = history.filter((_, i) => i % stride === 0 || i === history.length - 1);
  for (const h of rows) {
    const c = curve.filter((x) => x.step <= h.step).pop();
    const near = c && h.step - c.step < stride * 10 ? c : undefined;
    lines.push(`| ${h.step} | ${(h.step * gamesPerStep).toLocaleString('en-US')} | ${h.loss.toFixed(4)} | ${q.curveCells(near).join(' | ')} |`);
  }
  lines.push('', ...q.qualityRows(ev), '',
    `Reproduce: \`npm run cli -- eval --model public/models/${id}/model.safetensors --config public/models/${id}/config.json --game ${game} --games ${q.evalGames} --seed ${ev.eval_seed}\``, '');
  if (!goalMet) {
    lines.push('## Projection', '');
    const seen = step * gamesPerStep;
    if (projected && projected > 100 * run.steps * gamesPerStep) {
      const rest = step >= run.steps
        ? `The ${run.steps.toLocaleString('en-US')}-step schedule is complete (learning rate decayed to ${run.min_lr_ratio} x peak); reaching the goal needs a longer schedule or a larger model, and how far either gets is not known until it runs (${rate.toFixed(0)} tokens/s on this machine).`
        : `What is measured: ${rate.toFixed(0)} tokens/s, so the remaining ${(run.steps - step).toLocaleString('en-US')} steps of the schedule (with its cosine decay) take ` +
          `${(((run.steps - step) * tokensPerStep) / rate / 3600).toFixed(1)} h on this machine; whether they reach the goal is not known until they run.`;
      lines.push(`A power law fitted to the last ${Math.min(6, curve.length)} held-out points (${q.errorName} against games seen) only reaches ${pct(q.errorTarget)} after ` +
        `~${projected.toExponential(1)} games, ${Math.round(projected / seen)} times the games seen so far (${((projected - seen) * config.nCtx / rate / 3600).toFixed(0)} h more at ${rate.toFixed(0)} tokens/s): that far beyond the measured curve, the extrapolation is not a credible estimate. ${rest}`, '');
    } else if (projected) {
      const more = Math.max(0, projected - seen);
      lines.push(`A power law fitted to the last ${Math.min(6, curve.length)} points of the held-out curve (${q.errorName} against games seen) reaches ${pct(q.errorTarget)} after about ` +
        `${Math.round(projected).toLocaleString('en-US')} games, i.e. ${Math.round(more).toLocaleString('en-US')} more, about ${((more * config.nCtx) / rate / 3600).toFixed(1)} h more at ${rate.toFixed(0)} tokens/s on this machine. ` +
        'This is an extrapolation from an early part of the curve, not a measurement.', '');
    } else {
      lines.push('Too few held-out points (or no downward trend yet) to fit a projection.', '');
    }
    lines.push(torchTrained
      ? `Continue the run: \`python3 pytorch/train.py --config ${runConfigPath} --out ${runDir} --bf16 --resume\` (the resumable checkpoint is in \`${runDir}/torch-ckpt/\`, git-ignored; if it is lost, \`--init-from ${runDir}/model.safetensors\` restarts from the committed weights with fresh optimiser moments; a resumed run may change only "steps", "checkpoint_minutes" and "curve_minutes").`
      : `Continue the run: raise "steps" in \`${runConfigPath}\` when the schedule is complete, then \`npm run cli -- train-model --config ${runConfigPath} --out ${runDir} --resume\` (the checkpoint is committed under \`${runDir}/\`; a resumed run may change only "steps", "checkpoint_minutes" and "curve_minutes").`, '');
  }
  if (probes.length) {
    lines.push('## Linear probes', '', `Linear probes on \`blocks.L.hook_resid_post\` (raw, uncentred residual), trained on the GPU with softmax cross-entropy per square; accuracy per square over all 64 squares of held-out positions${chess ? ' (the \'.\' characters, White to move, 13 classes: six black pieces, empty, six white pieces). Published for comparison: 0.9907 at layer 5 of Karvonen\'s 8-layer model (spec 5)' : ''}.`, '');
    for (const p of probes) {
      lines.push(`**${p.probe}** (${p.train_games} training games, ${p.test_games} test games; best layer ${p.best_layer}):`, '', '| layer | test accuracy | train accuracy |', '|---|---|---|');
      for (const l of p.layers) lines.push(`| ${l.layer} | ${pct(l.test_accuracy)} | ${pct(l.train_accuracy)} |`);
      if (p.majority_baseline_accuracy !== undefined) {
        lines.push('', `Without the model (each square's most common ${p.probe} class in the training positions, on the same test positions): ${pct(p.majority_baseline_accuracy)}. ` +
          `The best layer is ${(((p.layers.find((l) => l.layer === p.best_layer)?.test_accuracy ?? NaN) - p.majority_baseline_accuracy) * 100).toFixed(2)} points above it.`);
      }
      lines.push('', `Reproduce: \`npm run cli -- train-probe --model public/models/${id}/model.safetensors --config public/models/${id}/config.json --game ${game} --probe ${p.probe} --train-games ${p.train_games} --test-games ${p.test_games} --out <folder>\``, '');
    }
  }
  if (saes.length) {
    lines.push('## SAEs', '', 'Trained on the GPU on held-out-seeded games\' activations; metrics on separate test games (loss recovered: next-token cross-entropy with the hook replaced by the reconstruction vs zero-ablated, spec 3.6).', '',
      '| SAE | trainer | hook | features | sparsity setting | L0 | variance explained | loss recovered | dead features |', '|---|---|---|---|---|---|---|---|---|');
    for (const s of saes) {
      const setting = s.config.k ? `k = ${s.config.k}` : `coefficient ${s.config.sparsity_penalty}${s.config.final_p ? ` (final p ${Number(s.config.final_p).toFixed(3)})` : ''}`;
      lines.push(`| ${s.id} | ${s.kind} | ${s.hook} | ${s.config.dict_size} | ${setting} | ${s.metrics.l0.toFixed(1)} | ${s.metrics.frac_variance_explained.toFixed(4)} | ${s.metrics.frac_loss_recovered.toFixed(4)} | ${pct(s.metrics.dead_fraction)} |`);
    }
    lines.push('', `Reproduce one: \`npm run cli -- train-sae --model ... --config ... --game ${game} --layer L --kind relu|p-anneal|gated|gated-anneal|topk --dict-size F (--coef C | --k K) --steps S --batch B --out <folder>\` with the values in each SAE's \`config.json\`.`, '');
  }
  lines.push(...supervisedMetricsSection(dir, id, game));
  if (flags.has('study')) lines.push(...studySection(flags.get('study')!, dir, game));
  writeFileSync(join(dir, 'README.md'), lines.join('\n'));

  const supervised = supervisedOf(dir);
  const manifest = readJson(manifestPath, 'manifest') as { version: number; models: Array<Record<string, unknown>> };
  const entry = {
    id, game, name: `${q.title} (${config.nLayers} layers, d_model ${config.dModel}, trained here)`,
    description: `Trained by this project on ${(step * gamesPerStep).toLocaleString('en-US')} ${chess ? 'generated' : 'random legal'} games; ${q.summary(ev)}.`,
    trained: true, weights: `${id}/model.safetensors`, config: readJson(join(dir, 'config.json'), 'config'), card: `${id}/README.md`,
    metrics: { ...q.manifestMetrics(ev), steps: step, games: step * gamesPerStep },
    hook_points: ['blocks.{l}.hook_resid_post', 'blocks.{l}.mlp.hook_post'],
    probes: probes.flatMap((p) => p.layers.map((l) => ({ kind: p.probe, layer: l.layer, path: `${id}/probes/${p.probe}-L${l.layer}.safetensors`, test_accuracy: l.test_accuracy,
      ...(p.majority_baseline_accuracy !== undefined ? { baseline_accuracy: p.majority_baseline_accuracy } : {}) }))),
    saes: saes.map((s) => ({ id: s.id, path: s.path, trainer: s.kind, hook: s.hook, format: 'dictionary_learning', metrics: { ...s.metrics, ...supervised(s.id) } })),
    supervised_metrics: readMetricsFolder(dir).map((f) => `${id}/metrics/${f.name}.json`),
  };
  manifest.models = [entry, ...manifest.models.filter((m) => m.id !== id)];
  if (flags.has('random-init')) {
    const r = randomInitEntry(flags.get('random-init')!, run.init_seed, readSaeEntries, game, q.title);
    manifest.models = [entry, r, ...manifest.models.filter((m) => m.id !== id && m.id !== r.id)];
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return `wrote ${join(dir, 'README.md')} and the manifest entry for ${id}`;
}

/** The SAEs in <model folder>/saes, with their training config and unsupervised metrics. */
function readSaeEntries(dir: string): SaeEntry[] {
  const id = basename(dir), saeDir = join(dir, 'saes');
  return existsSync(saeDir) ? readdirSync(saeDir).sort().map((name) => {
    const cfg = (readJson(join(saeDir, name, 'config.json'), 'SAE config') as { trainer: Record<string, unknown> }).trainer;
    return { id: name, path: `${id}/saes/${name}`, kind: String(cfg.trainer_class), hook: `blocks.${cfg.layer}.hook_resid_post`, config: cfg,
      metrics: readJson(join(saeDir, name, 'metrics.json'), 'SAE metrics') as Record<string, number> };
  }) : [];
}

/** Manifest entry of the random-init baseline: the trained model's architecture at its initial weights (made from the seed in the browser). */
function randomInitEntry(dir: string, seed: number, saes: (dir: string) => SaeEntry[], game: string, title: string): Record<string, unknown> & { id: string } {
  const config = readJson(join(dir, 'model', 'config.json'), 'random-init config');
  return {
    id: basename(dir), game, name: `Untrained ${title} (the default model at initialisation)`,
    description: `The default model's architecture with its initial random weights (seed ${seed}): the random-init baseline. Its predictions carry no knowledge of the game.`,
    trained: false, random_init: { seed }, config,
    hook_points: ['blocks.{l}.hook_resid_post', 'blocks.{l}.mlp.hook_post'],
    saes: saes(dir).map((s) => ({ id: s.id, path: s.path, trainer: s.kind, hook: s.hook, format: 'dictionary_learning', metrics: s.metrics })),
    probes: [],
  };
}

/** Coverage and reconstruction per family from metrics/<sae id>.json, for the manifest. */
function supervisedOf(dir: string) {
  const files = new Map(readMetricsFolder(dir).map((f) => [f.name, f.m]));
  return (saeId: string) => {
    const m = files.get(saeId);
    if (!m) return {};
    return { supervised: Object.fromEntries(Object.values(m.bsp).map((b) => [b.id, { coverage: b.coverage, board_reconstruction: b.board_reconstruction }])) };
  };
}

function paramCount(c: ReturnType<typeof parseModelConfig>): number {
  const hd = c.nHeads * c.dHead;
  return c.dVocab * c.dModel * 2 + c.nCtx * c.dModel + c.dVocab + 2 * c.dModel +
    c.nLayers * (4 * c.dModel + 3 * (c.dModel * hd + hd) + hd * c.dModel + c.dModel + 2 * c.dModel * c.dMlp + c.dMlp + c.dModel);
}

interface StudyRow { size: string; n_layers: number; d_model: number; params: number; steps: number; tokens: number; minutes: number; tokens_per_s: number; curve: Array<Record<string, number>> }

/** The scaling study (pytorch/study.py) for this game: a table, and its SVG plot copied beside the card. */
function studySection(studyDir: string, dir: string, game: string): string[] {
  const path = join(studyDir, `${game}-study.json`);
  if (!existsSync(path)) return [];
  const study = readJson(path, 'scaling study') as { minutes_each: number; bf16: boolean; metric: string; rows: StudyRow[] };
  const svg = join(studyDir, `${game}-study.svg`);
  if (existsSync(svg)) copyFileSync(svg, join(dir, 'scaling-study.svg'));
  const metric = study.metric.replace(/_/g, ' ');
  return ['## Scaling study', '',
    `Short runs of several sizes with the PyTorch trainer (\`pytorch/study.py\`), each a cosine schedule sized to a ${study.minutes_each}-minute box at the size's rate measured on a quiet machine${study.bf16 ? ' (bfloat16 autocast, both cores)' : ''}; held-out ${metric} on the 200-game curve set. Wall time was measured while other work shared the machine, so tokens are the fair axis.`, '',
    `| size | parameters | steps | tokens | minutes | tokens/s | ${metric} at the end |`, '|---|---|---|---|---|---|---|',
    ...study.rows.map((r) => `| ${r.n_layers} layers x d_model ${r.d_model} | ${(r.params / 1e6).toFixed(2)}M | ${r.steps} | ${(r.tokens / 1e6).toFixed(1)}M | ${r.minutes} | ${r.tokens_per_s.toLocaleString('en-US')} | ${(100 * (r.curve.at(-1)?.[study.metric] ?? NaN)).toFixed(2)}% |`),
    '', existsSync(svg) ? '![held-out legality against tokens and wall time](scaling-study.svg)' : '', ''];
}

