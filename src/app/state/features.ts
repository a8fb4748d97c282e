// Words and numbers about features, from the feature atlas: readable names for property entries,
// automatic labels, and the per-square views (meaning, decoder through the probe, active features).
import { squareName as chessSquareName } from '../../games/chess/squares';
import { CHESS_PIECE_CLASSES } from '../../games/kit';
import { squareLabel } from '../../games/othello';
import { bestMatches, type FeatureAtlas } from '../../metrics/atlas';

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
  if (family.startsWith('piece')) return `${CHESS_PIECE_CLASSES[entry % 13]} on ${chessSquareName(Math.floor(entry / 13))}`;
  if (family in CHESS_FLAGS) return CHESS_FLAGS[family];
  return `${family} #${entry}`;
}

/**
 * "Empty" is true of most squares most of the time, so an "a8 empty" match says little (the paper's
 * main Othello set masks it for the same reason); labels and overlays use the other entries.
 */
export const isEmptyEntry = (family: string, entry: number) => family === 'mine-yours' && entry % 3 === 1;

/** The feature's best matches by F1, empty-square entries left out. */
export function informativeMatches(atlas: FeatureAtlas, feature: number, limit = 6) {
  return bestMatches(atlas, feature, limit + 64).filter((m) => !isEmptyEntry(m.family, m.entry)).slice(0, limit);
}

/** "d3 mine (F1 0.47)": the feature's best match, or a plain statement when it has none. */
export function autoLabel(atlas: FeatureAtlas | null, feature: number): string {
  if (!atlas) return '';
  if (atlas.aliveIndex[feature] < 0) return 'never fired on the sample';
  const [m] = informativeMatches(atlas, feature, 1);
  return m ? `${entryName(m.family, m.entry)} (F1 ${m.f1.toFixed(2)})` : 'no board match';
}

export interface SquareMeaning {
  /** best F1 over the square's entries */
  f1: number;
  /** which entry: 'theirs' | 'empty' | 'mine' | 'legal' */
  what: string;
  precision: number;
  recall: number;
}

/** The selected feature's best match on every square (mine / theirs and legal moves; empty left out). */
export function featureMeaning(atlas: FeatureAtlas, feature: number): SquareMeaning[] | null {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return null;
  const out: SquareMeaning[] = Array.from({ length: 64 }, () => ({ f1: 0, what: '', precision: 0, recall: 0 }));
  for (const fam of atlas.families) {
    if (!perSquare(fam)) continue;
    const chess = fam.id.startsWith('piece');
    for (let sq = 0; sq < 64; sq++) {
      for (let c = 0; c < fam.classes; c++) {
        if (isEmptyEntry(fam.id, sq * fam.classes + c)) continue;
        const k = i * fam.size + sq * fam.classes + c;
        const what = chess ? CHESS_PIECE_CLASSES[c] : fam.id === 'valid-moves' ? 'legal' : CLASS_NAMES[c];
        if (fam.f1[k] > out[sq].f1) out[sq] = { f1: fam.f1[k], what, precision: fam.precision[k], recall: fam.recall[k] };
      }
    }
  }
  return out;
}

/**
 * Which squares the active features at a position are about: each active feature adds its
 * activation relative to its maximum times its F1 for each square's best entry.
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
      if (m.f1 < 0.05) return;
      const s = rel * m.f1;
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
