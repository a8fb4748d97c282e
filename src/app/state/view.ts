// The whole view as data, and its URL form. Everything a shared link must restore lives here; the
// parser treats the URL as hostile: it reads only known keys, checks every value, caps lengths, and
// answers a sane default plus plain messages for whatever it could not use. Nothing is evaluated.
import { chessTranscriptOf } from '../../games/chess/games-file';
import { squareIndex as chessSquareIndex, squareName as chessSquareName } from '../../games/chess/squares';
import { quote } from '../../tensor/safe-json';
import { formatTranscript, parseSquare, parseTranscript, replay, squareLabel } from '../../games/othello';

export const OVERLAYS = ['predictions', 'probe', 'feature', 'decoder', 'active', 'none'] as const;
export type Overlay = (typeof OVERLAYS)[number];
export const PANELS = ['features', 'square', 'dashboard', 'list', 'intervene', 'metrics'] as const;
export type Panel = (typeof PANELS)[number];

export interface Clamp { feature: number; mode: 'ablate' | 'clamp'; value: number }
/** Largest clamp value the panel accepts and a link carries. */
export const MAX_CLAMP = 1e6;

export interface View {
  game: 'othello' | 'chess';
  model: string;
  /** SAE id from the manifest, or 'none' */
  sae: string;
  /** residual layer used when sae is 'none' */
  layer: number;
  /** Othello: the moves (square indices) */
  moves: number[];
  /** chess: the transcript (";1.e4 e5 ...") */
  text: string;
  /** Othello: moves applied to the board shown, 0..moves.length; chess: characters read, 0..text.length */
  pos: number;
  feature: number | null;
  square: number | null;
  overlay: Overlay;
  panel: Panel;
  edits: Clamp[];
  /** classroom tour and step, when presenting */
  tour: string | null;
  step: number;
  /** the residual stream: the SAE's own convention, raw, or TransformerLens-centred (spec 1.4(e)) */
  residual: 'auto' | 'raw' | 'centred';
  /** a model / an SAE opened by URL (an SAE may need several files, space-separated); a link asks before downloading them */
  modelUrl: string | null;
  saeUrl: string | null;
}

export const DEFAULT_VIEW: View = {
  game: 'othello', model: 'othello-gpt-default', sae: 'standard-c1.0', layer: 3, moves: [], text: '', pos: 0,
  feature: null, square: null, overlay: 'predictions', panel: 'features', edits: [], tour: null, step: 0, residual: 'auto',
  modelUrl: null, saeUrl: null,
};

/** Where a view of the chess model starts (its SAEs are on layer 2's residual stream or as the manifest says). */
export const CHESS_DEFAULT_VIEW: View = { ...DEFAULT_VIEW, game: 'chess', model: 'chess-gpt-default', sae: 'standard-c1.0', overlay: 'probe' };

/** Positions the view can step through: Othello moves, chess characters. */
export const gameLength = (v: View) => (v.game === 'chess' ? v.text.length : v.moves.length);

/** A square's name in the view's game (Othello and chess number squares differently). */
export const squareNameOf = (v: Pick<View, 'game'>, sq: number) => (v.game === 'chess' ? chessSquareName(sq) : squareLabel(sq));

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_HASH = 4096;

/** The view as a URL hash (without '#'), leaving out what equals the default. */
export function viewToHash(v: View): string {
  const p = new URLSearchParams();
  const base = v.game === 'chess' ? CHESS_DEFAULT_VIEW : DEFAULT_VIEW;
  if (v.game === 'chess') p.set('game', 'chess');
  if (v.model !== base.model) p.set('model', v.model);
  p.set('sae', v.sae);
  if (v.sae === 'none') p.set('layer', String(v.layer));
  if (v.game === 'othello' && v.moves.length) p.set('moves', formatTranscript(v.moves).replace(/ /g, ''));
  if (v.game === 'chess' && v.text) p.set('pgn', v.text);
  if (v.pos !== gameLength(v)) p.set('pos', String(v.pos));
  if (v.feature !== null) p.set('feature', String(v.feature));
  if (v.square !== null) p.set('square', squareNameOf(v, v.square));
  if (v.overlay !== base.overlay) p.set('overlay', v.overlay);
  if (v.panel !== base.panel) p.set('panel', v.panel);
  if (v.edits.length) p.set('edits', v.edits.map((e) => (e.mode === 'ablate' ? `${e.feature}:ablate` : `${e.feature}:${e.value}`)).join(','));
  if (v.tour) { p.set('tour', v.tour); p.set('step', String(v.step)); }
  if (v.residual !== 'auto') p.set('residual', v.residual);
  if (v.modelUrl) p.set('modelUrl', v.modelUrl);
  if (v.saeUrl) p.set('saeUrl', v.saeUrl);
  return p.toString();
}

const int = (s: string, lo: number, hi: number): number | null => (/^\d{1,7}$/.test(s) && Number(s) >= lo && Number(s) <= hi ? Number(s) : null);

/** Reads a hash (with or without '#'); `problems` says in plain words what was ignored. */
export function hashToView(hash: string): { view: View; problems: string[] } {
  let view: View = { ...DEFAULT_VIEW, moves: [], edits: [] };
  const problems: string[] = [];
  let raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { view, problems };
  if (raw.length > MAX_HASH) {
    problems.push(`the link is ${raw.length} characters long, more than the ${MAX_HASH} a view needs; it was ignored`);
    return { view, problems };
  }
  let p: URLSearchParams;
  try {
    p = new URLSearchParams(raw);
  } catch {
    problems.push('the link could not be read; showing the default view');
    return { view, problems };
  }
  raw = '';
  const known = new Set(['model', 'sae', 'layer', 'moves', 'pgn', 'pos', 'feature', 'square', 'overlay', 'panel', 'edits', 'tour', 'step', 'game', 'residual', 'modelUrl', 'saeUrl']);
  for (const k of p.keys()) if (!known.has(k)) problems.push(`unknown link field ${quote(k)} ignored`);
  const get = (k: string) => p.get(k);
  const game = get('game');
  if (game === 'chess') view = { ...CHESS_DEFAULT_VIEW, edits: [] };
  else if (game !== null && game !== 'othello') problems.push(`game ${quote(game)} is not available; showing Othello`);
  const defaults = view.game === 'chess' ? CHESS_DEFAULT_VIEW : DEFAULT_VIEW;
  for (const k of ['model', 'sae'] as const) {
    const v = get(k);
    if (v === null) continue;
    if (ID.test(v)) view[k] = v;
    else problems.push(`${k} ${quote(v)} is not a valid id; using ${defaults[k]}`);
  }
  for (const k of ['modelUrl', 'saeUrl'] as const) {
    const v = get(k);
    if (v === null) continue;
    const urls = v.trim().split(/\s+/);
    const ok = v.length <= 2048 && urls.length <= 4 && urls.every((u) => { try { return ['http:', 'https:'].includes(new URL(u).protocol); } catch { return false; } });
    if (ok) view[k] = urls.join(' '); else problems.push(`${k} is not a list of http(s) URLs; ignored`);
  }
  const residual = get('residual');
  if (residual === 'raw' || residual === 'centred') view.residual = residual;
  else if (residual !== null) problems.push(`residual ${quote(residual)} is not raw or centred; using the SAE's own convention`);
  const layer = get('layer');
  if (layer !== null) {
    const l = int(layer, 0, 63);
    if (l === null) problems.push(`layer ${quote(layer)} is not a layer number`); else view.layer = l;
  }
  const moves = view.game === 'othello' ? get('moves') : null;
  if (view.game === 'chess' && get('moves') !== null) problems.push('"moves" is an Othello field; a chess game is given as pgn');
  const pgn = get('pgn');
  if (pgn !== null && view.game === 'othello') problems.push('"pgn" is a chess field; this is an Othello view');
  if (pgn !== null && view.game === 'chess') {
    try {
      view.text = chessTranscriptOf(pgn.slice(0, 2048));
    } catch (e) {
      problems.push(`the chess game in the link was not used: ${(e as Error).message}`);
    }
  }
  if (moves !== null) {
    try {
      const squares = parseTranscript(moves);
      replay(squares); // throws on an illegal move
      view.moves = squares;
    } catch (e) {
      problems.push(`the moves in the link were not used: ${(e as Error).message}`);
    }
  }
  view.pos = gameLength(view);
  const pos = get('pos');
  if (pos !== null) {
    const n = int(pos, 0, gameLength(view));
    if (n === null) problems.push(`position ${quote(pos)} is not between 0 and ${gameLength(view)}`); else view.pos = n;
  }
  const feature = get('feature');
  if (feature !== null) {
    const f = int(feature, 0, 1 << 20);
    if (f === null) problems.push(`feature ${quote(feature)} is not a feature number`); else view.feature = f;
  }
  const square = get('square');
  if (square !== null) {
    if (view.game === 'chess') {
      if (/^[a-h][1-8]$/.test(square)) view.square = chessSquareIndex(square); else problems.push(`square ${quote(square)} is not a chess square (a1..h8)`);
    } else {
      try { view.square = parseSquare(square); } catch (e) { problems.push((e as Error).message); }
    }
  }
  const overlay = get('overlay');
  if (overlay !== null) {
    if ((OVERLAYS as readonly string[]).includes(overlay)) view.overlay = overlay as Overlay;
    else problems.push(`overlay ${quote(overlay)} is unknown; showing ${defaults.overlay}`);
  }
  const panel = get('panel');
  if (panel !== null) {
    if ((PANELS as readonly string[]).includes(panel)) view.panel = panel as Panel;
    else problems.push(`panel ${quote(panel)} is unknown`);
  }
  const edits = get('edits');
  if (edits !== null) {
    for (const part of edits.split(',').slice(0, 32)) {
      const m = /^(\d{1,7}):(ablate|-?\d{1,7}(?:\.\d{1,17})?(?:e-?\d{1,3})?)$/.exec(part);
      if (!m || (m[2] !== 'ablate' && !(Math.abs(Number(m[2])) <= MAX_CLAMP))) { problems.push(`intervention ${quote(part)} is not feature:ablate or feature:value (|value| <= ${MAX_CLAMP})`); continue; }
      view.edits.push(m[2] === 'ablate' ? { feature: Number(m[1]), mode: 'ablate', value: 0 } : { feature: Number(m[1]), mode: 'clamp', value: Number(m[2]) });
    }
  }
  const tour = get('tour');
  if (tour !== null) {
    if (ID.test(tour)) {
      view.tour = tour;
      view.step = int(get('step') ?? '0', 0, 999) ?? 0;
    } else problems.push(`tour ${quote(tour)} is not a valid id`);
  }
  return { view, problems };
}
