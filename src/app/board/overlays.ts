// Builds the board overlay the user picked from what the worker computed: next-move probabilities,
// the probe's reading against the true board, the selected feature's meaning per square, its decoder
// direction seen through the probe, and which squares the active features are about.
import { squareLabel } from '../../games/othello';
import type { FeatureAtlas } from '../../metrics/atlas';
import { activeSquares, CLASS_NAMES, featureMeaning, pieceLetters } from '../state/features';
import type { Overlay } from '../state/view';
import type { FeatureStatics, GameAnalysis } from '../worker/workbench';
import type { LegendSpec } from './Legend';
import type { BoardOverlay } from './OthelloBoard';

export interface OverlayInputs {
  /** moves applied to the board (the analysed position is pos - 1) */
  pos: number;
  cells: ArrayLike<number>;
  analysis: GameAnalysis | null;
  atlas: FeatureAtlas | null;
  statics: FeatureStatics | null;
  feature: number | null;
  /** the probe's measured accuracy, added to its legend */
  probeNote?: string;
}

export type OverlayResult = { overlay: BoardOverlay; legend: LegendSpec } | { unavailable: string };

const pct = (p: number) => `${(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%`;
const nan64 = () => new Float32Array(64).fill(NaN);

export function buildOverlay(kind: Overlay, inp: OverlayInputs): OverlayResult | null {
  if (kind === 'none') return null;
  const t = inp.pos - 1, a = inp.analysis;
  const needsPosition = kind === 'predictions' || kind === 'probe' || kind === 'active';
  if (needsPosition && t < 0) return { unavailable: 'play a move: the model reads the moves so far' };
  if (needsPosition && (!a || t >= a.T)) return { unavailable: a && t >= a.T ? `the model's context holds ${a.T} moves` : 'computing…' };
  if (kind === 'predictions') return predictions(a!, t);
  if (kind === 'probe') return probe(a!, t, inp.cells, inp.probeNote);
  if (kind === 'active') return active(a!, t, inp.atlas, squareLabel);
  if (inp.feature === null) return { unavailable: 'select a feature first' };
  if (kind === 'feature') return meaning(inp.atlas, inp.feature, squareLabel, 'mine: the player who just moved, theirs: the player to move');
  return decoder(inp.statics, inp.feature);
}

function predictions(a: GameAnalysis, t: number): OverlayResult {
  const p = a.probs.subarray(t * 64, (t + 1) * 64);
  let max = 1e-9;
  for (const v of p) if (v > max) max = v;
  return {
    overlay: {
      kind: 'heat', values: Array.from(p, (v) => v / max),
      labels: Array.from(p, (v) => (v >= 0.005 ? pct(v) : null)),
      tips: Array.from(p, (v, s) => (Number.isNaN(v) ? `${squareLabel(s)}: centre square, never a move` : `${squareLabel(s)}: model p(next move) = ${(v * 100).toFixed(2)}%`)),
    },
    legend: { title: 'Next-move probability', kind: 'heat', low: '0', high: pct(max), note: 'colour relative to the most likely move' },
  };
}

function probe(a: GameAnalysis, t: number, cells: ArrayLike<number>, probeNote?: string): OverlayResult {
  if (a.boardProbe.length === 0) return { unavailable: 'no mine/theirs/empty probe for this layer' };
  const mover = t % 2 === 0 ? 1 : -1; // the paper's parity convention: black made move 0
  const colorOf = (cls: number) => (cls === 2 ? mover : cls === 0 ? -mover : 0);
  const name = (c: number) => (c === 1 ? 'black' : c === -1 ? 'white' : 'empty');
  const values = nan64(), ghosts = new Int8Array(64), marks = new Uint8Array(64), labels: Array<string | null> = [], tips: string[] = [];
  let wrong = 0;
  for (let s = 0; s < 64; s++) {
    const p = a.boardProbe.subarray(t * 192 + s * 3, t * 192 + s * 3 + 3);
    const best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
    const trueCls = cells[s] * mover + 1;
    values[s] = 1 - p[trueCls];
    ghosts[s] = colorOf(best);
    marks[s] = best !== trueCls ? 1 : 0;
    wrong += marks[s];
    labels.push(pct(p[trueCls]));
    tips.push(`${squareLabel(s)}: true ${name(cells[s])}; probe reads ${name(colorOf(best))} · p(${CLASS_NAMES[0]}) ${pct(p[0])}, p(empty) ${pct(p[1])}, p(${CLASS_NAMES[2]}) ${pct(p[2])}`);
  }
  return {
    overlay: { kind: 'heat', values, ghosts, marks, labels, tips },
    legend: { title: 'Linear probe vs the true board', kind: 'heat', low: 'probe right', high: 'probe wrong', note: `small dashed disc: the probe's reading; red ring: it disagrees (${wrong} of 64 squares); number: p(true state)${probeNote ? `; ${probeNote}` : ''}` },
  };
}

/** The selected feature's best match per square, by skill over always firing; `name` names squares in the board's game. */
export function meaning(atlas: FeatureAtlas | null, feature: number, name: (sq: number) => string, note: string): OverlayResult {
  if (!atlas) return { unavailable: 'the feature atlas is still being computed' };
  const m = featureMeaning(atlas, feature);
  if (!m) return { unavailable: `feature ${feature} never fired on the atlas games` };
  const short = (what: string) => ({ mine: 'M', theirs: 'T', empty: 'E', legal: 'L', occupied: 'O' } as Record<string, string>)[what] ?? pieceLetters(what);
  const shown = m.map((x) => (x.labelled ? x.skill : 0));
  const max = Math.max(1e-9, ...shown);
  const labelled = shown.filter((v) => v > 0).length;
  return {
    overlay: {
      kind: 'heat', values: shown.map((v) => v / max),
      labels: m.map((x) => (x.labelled && x.skill >= 0.6 * max ? `${short(x.what)} ${x.f1.toFixed(2)}` : null)),
      tips: m.map((x, s) => (x.f1 > 0
        ? `${name(s)}: feature ${feature} best classifies "${x.what}" · F1 ${x.f1.toFixed(3)} (always-on ${x.alwaysOn.toFixed(3)}, skill ${x.skill.toFixed(2)}), precision ${x.precision.toFixed(3)}, recall ${x.recall.toFixed(3)}, ${x.support} true positives${x.labelled ? '' : ' · below the label rules'}`
        : `${name(s)}: no match`)),
    },
    legend: {
      title: `Feature ${feature}: skill per square`, kind: 'heat', low: '0', high: max.toFixed(2),
      note: `${labelled ? `${labelled} square${labelled === 1 ? ' passes' : 's pass'} the label rules` : 'no square passes the label rules'}; colour: skill over a feature that always fires; letters: the entry and its F1 (M mine, T theirs, E empty, O occupied, L legal); ${note}`,
    },
  };
}

function decoder(statics: FeatureStatics | null, feature: number): OverlayResult {
  if (!statics || statics.probeDirection.length === 0) return { unavailable: 'needs an SAE and a mine/theirs/empty probe at its layer' };
  const d = statics.probeDirection.subarray(feature * 192, (feature + 1) * 192);
  const diff = Array.from({ length: 64 }, (_, s) => d[s * 3 + 2] - d[s * 3]);
  const max = Math.max(1e-9, ...diff.map(Math.abs));
  return {
    overlay: {
      kind: 'diverging', values: diff.map((v) => v / max),
      labels: diff.map((v) => (Math.abs(v) / max >= 0.25 ? v.toFixed(1) : null)),
      tips: diff.map((v, s) => `${squareLabel(s)}: decoder direction moves the probe's logits by theirs ${d[s * 3].toFixed(2)}, empty ${d[s * 3 + 1].toFixed(2)}, mine ${d[s * 3 + 2].toFixed(2)} per unit activation`),
    },
    legend: { title: `Feature ${feature}'s decoder seen through the probe`, kind: 'diverging', low: 'toward theirs', high: 'toward mine', note: `logit(mine) − logit(theirs) per unit activation, max |${max.toFixed(2)}|` },
  };
}

/** Which squares the features active at row t are about. */
export function active(a: GameAnalysis, t: number, atlas: FeatureAtlas | null, name: (sq: number) => string): OverlayResult {
  if (a.F === 0) return { unavailable: 'pick an SAE to see its features' };
  if (!atlas) return { unavailable: 'the feature atlas is still being computed' };
  const sq = activeSquares(atlas, a.acts.subarray(t * a.F, (t + 1) * a.F), a.F);
  const max = Math.max(1e-9, ...sq.map((x) => x.score));
  return {
    overlay: {
      kind: 'heat', values: sq.map((x) => x.score / max),
      labels: sq.map((x) => (x.score / max >= 0.2 ? x.score.toFixed(1) : null)),
      tips: sq.map((x, s) => `${name(s)}: ${x.top.length ? x.top.map((f) => `#${f.feature} (${f.what}, ${f.score.toFixed(2)})`).join(', ') : 'no active feature is about this square'}`),
    },
    legend: { title: 'What the active features are about', kind: 'heat', low: '0', high: max.toFixed(1), note: 'sum over active features of activation/max × skill, for squares whose best entry passes the label rules' },
  };
}
