// The model card's supervised-metrics section: every `metrics` JSON in <model>/metrics/ (SAEs and
// baselines) side by side with the published numbers and the ceilings.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHESS_BOARD_SET, CHESS_STRATEGY_SET } from '../games/chess/bsp';
import { CHESS_PUBLISHED, CHESS_PUBLISHED_STRATEGY, OTHELLO_PUBLISHED } from '../metrics/published';
import { readJson } from './files';

interface BspResult { id: string; coverage?: number; board_reconstruction: number; coverage_threshold?: number; reconstruction_threshold?: number }
export interface MetricsFile {
  dictionary: string;
  hook: string;
  l0?: number;
  frac_variance_explained?: number | null;
  frac_loss_recovered?: number | null;
  alive_features?: number[];
  games: { train?: number; test: number; source: string };
  bsp: Record<string, BspResult>;
  seconds: { total: number };
}

export function readMetricsFolder(dir: string): Array<{ name: string; m: MetricsFile }> {
  const folder = join(dir, 'metrics');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((n) => n.endsWith('.json')).sort().map((n) => ({ name: n.replace(/\.json$/, ''), m: readJson(join(folder, n), 'metrics') as MetricsFile }));
}

const byId = (m: MetricsFile, id: string) => Object.values(m.bsp).find((b) => b.id === id);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));

/** Mean over the 14 strategy functions (the paper's chess averages), when all are present. */
export function strategyMean(m: MetricsFile, key: 'coverage' | 'board_reconstruction'): number | undefined {
  const vals = CHESS_STRATEGY_SET.map((id) => byId(m, id)?.[key]);
  return vals.every((v) => v !== undefined) ? vals.reduce((a, b) => a! + b!, 0)! / vals.length : undefined;
}

export function supervisedMetricsSection(dir: string, id: string, game: string): string[] {
  const files = readMetricsFolder(dir);
  if (files.length === 0) return [];
  if (game === 'chess') return chessSection(files, id);
  // An SAE's file (not a baseline's) describes the SAE rows: their hook and game counts.
  const first = files.find((f) => f.m.games.train && !f.name.startsWith('baseline-'))?.m ?? files.find((f) => f.m.games.train)?.m ?? files[0].m;
  const lines = ['## Supervised metrics (Karvonen et al. 2024)', '',
    `Coverage and board reconstruction (spec 3) on ${first.games.train ?? '–'} train + ${first.games.test} test games (${first.games.source}), every position. ` +
    'Coverage: mean over a property family\'s entries of the best F1 any feature reaches as a classifier, at the best of 11 activation thresholds. ' +
    'Reconstruction: the board predicted from the active features\' labels (precision >= 0.95, >= 10 true positives on the train games), micro F1 on the test games. ' +
    'Masked mine/yours: the blank class is never positive but stays in the denominator, so its coverage ceiling is 0.667 (as published). ' +
    'Probes have no coverage; they are scored with the same reconstruction F1 (argmax per square).', '',
    '| dictionary | L0 | alive | variance explained | loss recovered | coverage mine/yours masked (max 0.667) | reconstruction mine/yours masked | coverage valid moves | reconstruction valid moves | coverage mine/yours (unmasked) | reconstruction mine/yours (unmasked) |',
    '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const { name, m } of files) {
    const mym = byId(m, 'mine-yours-blank-mask'), vm = byId(m, 'valid-moves'), my = byId(m, 'mine-yours');
    lines.push(`| ${name} | ${num(m.l0, 1)} | ${m.alive_features?.length ?? '–'} | ${num(m.frac_variance_explained, 4)} | ${num(m.frac_loss_recovered, 4)} | ` +
      `${num(mym?.coverage)} | ${num(mym?.board_reconstruction)} | ${num(vm?.coverage)} | ${num(vm?.board_reconstruction)} | ${num(my?.coverage)} | ${num(my?.board_reconstruction)} |`);
  }
  lines.push('', 'Published, layer 5 of the 8-layer Othello-GPT, best SAE per trainer (L0 of that SAE in brackets where known):', '',
    '| dictionary | coverage mine/yours masked | reconstruction mine/yours masked | coverage valid moves | reconstruction valid moves |', '|---|---|---|---|---|');
  for (const p of OTHELLO_PUBLISHED) {
    lines.push(`| ${p.dictionary} | ${p.coverage_mine_yours_masked.toFixed(3)}${p.l0_coverage ? ` (${p.l0_coverage})` : ''} | ${p.reconstruction_mine_yours_masked.toFixed(3)}${p.l0_reconstruction ? ` (${p.l0_reconstruction})` : ''} | ${p.coverage_valid_moves.toFixed(3)} | ${p.reconstruction_valid_moves.toFixed(3)} |`);
  }
  lines.push('', `Reproduce a row: \`npm run cli -- metrics --model public/models/${id}/model.safetensors --config public/models/${id}/config.json --sae public/models/${id}/saes/<name> --hook ${first.hook} --game othello --train-games ${first.games.train ?? 1000} --test-games ${first.games.test} --seed 2024 --out m.json\` ` +
    '(MLP neurons: `--neurons --hook blocks.L.mlp.hook_post`; probes: `--probe <file>`; the random-init baseline: an SAE trained the same way on `init-model --seed 0`).', '');
  return lines;
}

function chessSection(files: Array<{ name: string; m: MetricsFile }>, id: string): string[] {
  const first = files.find((f) => f.m.games.train && !f.name.startsWith('baseline-'))?.m ?? files[0].m;
  const lines = ['## Supervised metrics (Karvonen et al. 2024)', '',
    `Coverage and board reconstruction (spec 3) on ${first.games.train ?? '–'} train + ${first.games.test} test games (${first.games.source}), ` +
    'scored at the first 20 \'.\' characters of each game (White to move); feature scales and alive features from every character. ' +
    `Board set: ${CHESS_BOARD_SET} (a piece on its starting square counts as empty; empty is masked; 768 entries, ceiling about 0.917). ` +
    'Strategy: the mean over the 14 strategy functions, as the paper averages them. Probes have no coverage; they are scored with the same reconstruction F1 (argmax per square).', '',
    '| dictionary | L0 | alive | variance explained | loss recovered | coverage board set | reconstruction board set | strategy coverage | strategy reconstruction |',
    '|---|---|---|---|---|---|---|---|---|'];
  for (const { name, m } of files) {
    const board = byId(m, CHESS_BOARD_SET);
    lines.push(`| ${name} | ${num(m.l0, 1)} | ${m.alive_features?.length ?? '–'} | ${num(m.frac_variance_explained, 4)} | ${num(m.frac_loss_recovered, 4)} | ` +
      `${num(board?.coverage)} | ${num(board?.board_reconstruction)} | ${num(strategyMean(m, 'coverage'))} | ${num(strategyMean(m, 'board_reconstruction'))} |`);
  }
  lines.push('', 'Published (Karvonen\'s 8-layer chess model, spec 3.7):', '',
    '| dictionary | L0 | variance explained | coverage board set | reconstruction board set | strategy coverage | strategy reconstruction |', '|---|---|---|---|---|---|---|');
  for (const p of CHESS_PUBLISHED) {
    lines.push(`| ${p.dictionary} | ${num(p.l0, 1)} | ${num(p.fve)} | ${p.coverage_board.toFixed(3)} | ${p.reconstruction_board.toFixed(3)} | ${p.coverage_strategy.toFixed(3)} | ${p.reconstruction_strategy.toFixed(3)} |`);
  }
  const saes = files.filter((f) => !f.name.startsWith('baseline-'));
  if (saes.length > 0) {
    lines.push('', 'Per strategy function: the best of the SAEs above (which one in brackets) beside the published layer-5 p-anneal SAE, coverage / reconstruction:', '',
      '| property | coverage here | reconstruction here | published coverage / reconstruction |', '|---|---|---|---|');
    for (const fid of CHESS_STRATEGY_SET) {
      const best = (key: 'coverage' | 'board_reconstruction') => saes.map((f) => ({ name: f.name, v: byId(f.m, fid)?.[key] })).filter((x) => x.v !== undefined)
        .reduce<{ name: string; v?: number } | undefined>((a, b) => (a && a.v! >= b.v! ? a : b), undefined);
      const c = best('coverage'), r = best('board_reconstruction'), p = CHESS_PUBLISHED_STRATEGY[fid];
      lines.push(`| ${fid} | ${c ? `${num(c.v)} (${c.name})` : '–'} | ${r ? `${num(r.v)} (${r.name})` : '–'} | ${p[0].toFixed(3)} / ${p[1].toFixed(3)} |`);
    }
  }
  lines.push('', `Reproduce a row: \`npm run cli -- metrics --model public/models/${id}/model.safetensors --config public/models/${id}/config.json --sae public/models/${id}/saes/<name> --hook ${first.hook} --game chess --train-games ${first.games.train ?? 1000} --test-games ${first.games.test} --seed 2024 --out m.json\` ` +
    '(MLP neurons: `--neurons --hook blocks.L.mlp.hook_post`; probes: `--probe <file>`).', '');
  return lines;
}
