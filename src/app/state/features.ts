// Words and numbers about features, from the feature atlas: readable names for property entries,
// automatic labels, and the per-square views (meaning, decoder through the probe, active features).
import { squareName as chessSquareName } from '../../games/chess/squares';
import { CHESS_PIECE_CLASSES } from '../../games/kit';
import { squareLabel } from '../../games/othello';
import type { FeatureAtlas } from '../../metrics/atlas';
import { featureLabel, judge, judgedMatches, MIN_SUPPORT } from '../../metrics/labels';

/** mine-yours classes (spec 2.3): 0 = the next player's disc, 1 = empty, 2 = the disc of the player who just moved. */
export const CLASS_NAMES = ['theirs', 'empty', 'mine'] as const;

/** "white knight" -> "WN": the short label drawn in a square. */
export const pieceLetters = (name: string) => name.replace(/^(\w)\w* (\w+)$/, (_, c: string, p: string) => c.toUpperCase() + (p === 'knight' ? 'N' : p[0].toUpperCase()));

/** Chess flags (one entry each) in words, about the side to move at a '.' (White). */
const CHESS_FLAGS: Record<string, string> = {
  check: 'White is in check', 'can-check-next': 'White can give check', 'has-queen': 'White has a queen', 'castling-rights': 'White can still castle',
  pin: 'a piece is pinned', 'any-fork': 'White has a fork', 'can-capture-queen': 'White can capture a queen',
};

/** Families with one entry per square (64 x classes), as opposed to whole-board flags. */
const perSquare = (fam: { size: number; classes: number }) => fam.size === 64 * fam.classes;

export function entryName(family: string, entry: number): string {
  if (family === 'mine-yours') return `${squareLabel(Math.floor(entry / 3))} ${CLASS_NAMES[entry % 3]}`;
  if (family === 'valid-moves') return `${squareLabel(entry)} legal`;
  if (family === 'occupied') return `${squareLabel(entry)} occupied`;
  if (family === 'any-piece') return `a piece on ${chessSquareName(entry)}`;
  if (family.startsWith('piece')) {
    const sq = chessSquareName(Math.floor(entry / 13)), piece = CHESS_PIECE_CLASSES[entry % 13];
    return piece === 'empty' ? `${sq} empty` : `${piece} on ${sq}`;
  }
  if (family in CHESS_FLAGS) return CHESS_FLAGS[family];
  return `${family} #${entry}`;
}

const f2 = (x: number) => x.toFixed(2);

/** "g8 occupied (F1 0.91; always-on 0.62)": the feature's label under the rules of metrics/labels.ts, or why it has none. */
export function autoLabel(atlas: FeatureAtlas | null, feature: number): string {
  if (!atlas) return '';
  if (atlas.aliveIndex[feature] < 0) return 'never fired on the sample';
  const label = featureLabel(atlas, feature);
  if (label) {
    const { best, similar } = label;
    return `${entryName(best.family, best.entry)} (F1 ${f2(best.f1)}; always-on ${f2(best.alwaysOn)})${similar.length ? ` +${similar.length} similar` : ''}`;
  }
  const [m] = judgedMatches(atlas, feature, 1);
  if (!m) return 'no board match';
  return `no label: best ${entryName(m.family, m.entry)} F1 ${f2(m.f1)} vs always-on ${f2(m.alwaysOn)}${m.support < MIN_SUPPORT ? `, ${m.support} positive${m.support === 1 ? '' : 's'}` : ''}`;
}

export interface SquareMeaning {
  /** best F1 over the square's entries */
  f1: number;
  /** skill over always firing (metrics/labels.ts); the entry is the one with the best skill */
  skill: number;
  alwaysOn: number;
  support: number;
  /** the entry passes the label rules */
  labelled: boolean;
  /** which entry: 'theirs' | 'empty' | 'mine' | 'occupied' | 'legal' | a chess piece */
  what: string;
  precision: number;
  recall: number;
}

const NO_MEANING: SquareMeaning = { f1: 0, skill: 0, alwaysOn: 0, support: 0, labelled: false, what: '', precision: 0, recall: 0 };

/** The selected feature's best match by skill on every square (mine / theirs / empty / occupied, pieces, legal moves). */
export function featureMeaning(atlas: FeatureAtlas, feature: number): SquareMeaning[] | null {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return null;
  const out: SquareMeaning[] = Array.from({ length: 64 }, () => NO_MEANING);
  for (const fam of atlas.families) {
    if (!perSquare(fam)) continue;
    const chess = fam.id.startsWith('piece');
    for (let sq = 0; sq < 64; sq++) {
      for (let c = 0; c < fam.classes; c++) {
        const entry = sq * fam.classes + c;
        if (!(fam.f1[i * fam.size + entry] > 0)) continue;
        const m = judge(atlas, fam, i, entry);
        const better = Number(m.labelled) - Number(out[sq].labelled) || m.skill - out[sq].skill;
        if (out[sq] !== NO_MEANING && better <= 0) continue;
        const what = fam.id === 'occupied' || fam.id === 'any-piece' ? 'occupied' : chess ? CHESS_PIECE_CLASSES[c] : fam.id === 'valid-moves' ? 'legal' : CLASS_NAMES[c];
        out[sq] = { f1: m.f1, skill: m.skill, alwaysOn: m.alwaysOn, support: m.support, labelled: m.labelled, what, precision: m.precision, recall: m.recall };
      }
    }
  }
  return out;
}

/**
 * Which squares the active features at a position are about: each active feature adds its
 * activation relative to its maximum times its skill for each square whose best entry passes the
 * label rules (a match no better than always firing says nothing about the square).
 */
export function activeSquares(atlas: FeatureAtlas, acts: Float32Array, F: number): Array<{ score: number; top: Array<{ feature: number; score: number; what: string }> }> {
  const out = Array.from({ length: 64 }, () => ({ score: 0, top: [] as Array<{ feature: number; score: number; what: string }> }));
  for (let f = 0; f < F; f++) {
    const a = acts[f];
    const i = atlas.aliveIndex[f];
    if (!(a > 0) || i < 0) continue;
    const rel = Math.min(1, a / atlas.scale[i]);
    const meaning = featureMeaning(atlas, f)!;
    meaning.forEach((m, sq) => {
      if (!m.labelled) return;
      const s = rel * m.skill;
      out[sq].score += s;
      out[sq].top.push({ feature: f, score: s, what: m.what });
    });
  }
  for (const o of out) o.top = o.top.sort((a, b) => b.score - a.score).slice(0, 3);
  return out;
}

/** Features active at one position, strongest first: [feature, activation]. */
export function activeFeatures(acts: Float32Array, F: number, t: number, limit = 16): Array<{ feature: number; act: number }> {
  const row = acts.subarray(t * F, (t + 1) * F), out: Array<{ feature: number; act: number }> = [];
  for (let f = 0; f < F; f++) if (row[f] > 0) out.push({ feature: f, act: row[f] });
  return out.sort((a, b) => b.act - a.act).slice(0, limit);
}
