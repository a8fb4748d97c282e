// Overlays on the chess board at the current character: the piece probe against the true board,
// the selected feature's meaning per square, its decoder direction through the piece probe, and
// which squares the active features are about (next-character probabilities are listed instead).
import { Chess } from 'chess.js';
import { pieceArray, squareName } from '../../games/chess/squares';
import { CHESS_PIECE_CLASSES } from '../../games/kit';
import type { FeatureAtlas } from '../../metrics/atlas';
import { pieceLetters } from '../state/features';
import type { Overlay } from '../state/view';
import type { FeatureStatics, GameAnalysis } from '../worker/workbench';
import { active, meaning, type OverlayResult } from './overlays';

export interface ChessOverlayInputs {
  /** analysed row: the character read last, -1 before the first */
  t: number;
  fen: string;
  analysis: GameAnalysis | null;
  atlas: FeatureAtlas | null;
  statics: FeatureStatics | null;
  feature: number | null;
  /** the probe's measured accuracy, added to its legend */
  probeNote?: string;
}

const pct = (p: number) => `${(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%`;
const MEANING_NOTE = 'pieces: W/B + K Q R B N P';

export function buildChessOverlay(kind: Overlay, inp: ChessOverlayInputs): OverlayResult | null {
  if (kind === 'none') return null;
  const { t, analysis: a } = inp;
  if (kind === 'predictions') return { unavailable: 'the chess model predicts characters; its next-character probabilities are listed under the board' };
  const needsPosition = kind === 'probe' || kind === 'active';
  if (needsPosition && t < 0) return { unavailable: 'step into the game: the model reads the characters so far' };
  if (needsPosition && (!a || t >= a.T)) return { unavailable: a && t >= a.T ? `the model's context holds ${a.T} characters` : 'computing…' };
  if (kind === 'probe') return probe(a!, t, inp.fen, inp.probeNote);
  if (kind === 'active') return active(a!, t, inp.atlas, squareName);
  if (inp.feature === null) return { unavailable: 'select a feature first' };
  if (kind === 'feature') return meaning(inp.atlas, inp.feature, squareName, MEANING_NOTE);
  return decoder(inp.statics, inp.feature);
}

function probe(a: GameAnalysis, t: number, fen: string, probeNote?: string): OverlayResult {
  const C = a.probeClasses;
  if (a.boardProbe.length === 0 || C !== 13) return { unavailable: 'no piece probe for this layer' };
  const truth = pieceArray(new Chess(fen));
  const values = new Float32Array(64), labels: Array<string | null> = [], tips: string[] = [], marks = new Uint8Array(64);
  let wrong = 0;
  for (let s = 0; s < 64; s++) {
    const p = a.boardProbe.subarray((t * 64 + s) * C, (t * 64 + s + 1) * C);
    let best = 0;
    for (let c = 1; c < C; c++) if (p[c] > p[best]) best = c;
    const cls = truth[s] + 6;
    values[s] = 1 - p[cls];
    marks[s] = best !== cls ? 1 : 0;
    wrong += marks[s];
    // where the probe's reading differs, its reading as letters ("–" for empty); elsewhere nothing, so the pieces stay readable
    labels.push(marks[s] ? (best === 6 ? '–' : pieceLetters(CHESS_PIECE_CLASSES[best])) : null);
    tips.push(`${squareName(s)}: true ${CHESS_PIECE_CLASSES[cls]}; probe reads ${CHESS_PIECE_CLASSES[best]} (${pct(p[best])}), p(true) ${pct(p[cls])}`);
  }
  return {
    overlay: { kind: 'heat', values, marks, labels, tips },
    legend: { title: 'Piece probe vs the true board', kind: 'heat', low: 'probe right', high: 'probe wrong', note: `dashed red outline: the probe's reading differs from the board (${wrong} of 64 squares), with the piece it reads (W/B + K Q R B N P, – empty); colour: 1 − p(the true piece); hover a square for its numbers${probeNote ? `; ${probeNote}` : ''}` },
  };
}

function decoder(statics: FeatureStatics | null, feature: number): OverlayResult {
  const C = statics?.probeClasses ?? 0;
  if (!statics || statics.probeDirection.length === 0 || C !== 13) return { unavailable: 'needs an SAE and a piece probe at its layer' };
  const d = statics.probeDirection.subarray(feature * 64 * C, (feature + 1) * 64 * C);
  // per square: the piece (not empty) whose logit the decoder direction raises most, relative to empty
  const best = Array.from({ length: 64 }, (_, s) => {
    let c0 = -1, v0 = -Infinity;
    for (let c = 0; c < C; c++) if (c !== 6 && d[s * C + c] - d[s * C + 6] > v0) { v0 = d[s * C + c] - d[s * C + 6]; c0 = c; }
    return { c: c0, v: v0 };
  });
  const max = Math.max(1e-9, ...best.map((b) => Math.abs(b.v)));
  return {
    overlay: {
      kind: 'diverging', values: best.map((b) => b.v / max),
      labels: best.map((b) => (b.v / max >= 0.4 ? pieceLetters(CHESS_PIECE_CLASSES[b.c]) : null)),
      tips: best.map((b, s) => `${squareName(s)}: per unit activation the decoder raises the probe's "${CHESS_PIECE_CLASSES[b.c]}" logit by ${b.v.toFixed(2)} relative to empty (the largest of the 12 pieces)`),
    },
    legend: { title: `Feature ${feature}'s decoder seen through the piece probe`, kind: 'diverging', low: 'toward empty', high: 'toward a piece', note: `largest logit(piece) − logit(empty) per square, max |${max.toFixed(2)}|` },
  };
}
